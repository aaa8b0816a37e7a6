"""The report's page templates reach a baked project untouched by cookiecutter's own Jinja."""

from conftest import DEFAULT_MODULE, TEMPLATE_PROJECT_DIR

TEMPLATES = TEMPLATE_PROJECT_DIR / "src" / "{{cookiecutter.module_name}}_engine" / "reports" / "templates"


def test_report_templates_are_copied_byte_for_byte(bake_once):
    result = bake_once()
    assert result.exit_code == 0, result.exception
    baked = result.project_path / "src" / f"{DEFAULT_MODULE}_engine" / "reports" / "templates"
    sources = sorted(p.name for p in TEMPLATES.iterdir())
    assert {"index.html.j2", "document.html.j2", "blocks.html.j2", "report.css"} <= set(sources)
    assert sorted(p.name for p in baked.iterdir()) == sources
    for name in sources:
        assert (baked / name).read_bytes() == (TEMPLATES / name).read_bytes(), name


def test_report_templates_use_their_own_delimiters():
    # [[ ]] and [% %] keep them out of cookiecutter's way even if _copy_without_render were lost.
    for path in TEMPLATES.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "{{" not in text and "{%" not in text and "{#" not in text, path.name
