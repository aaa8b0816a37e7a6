"""The surrogate tree's rules as a person reads them (Tip 9).

A fitted decision tree keeps splits whose two sides predict the same class (they only sharpen
probabilities), and a tree that handles missing values marks "missing against present" with an
infinite threshold. Neither says anything a reader can check, so such splits are pruned (the
predictions stay exactly the same) and missing values are written out in words.
"""

import numpy as np

LEAF = -1


def _predicted(tree, node):
    return int(np.argmax(tree.value[node]))


def prune_same_class_splits(classifier) -> int:
    """Turn every split whose leaves below all predict one class into a leaf, in place; returns how many.

    A node's class counts are the sums of its children's, so the collapsed node predicts that
    same class and no prediction changes.
    """
    tree = classifier.tree_
    left, right = tree.children_left, tree.children_right

    def classes_below(node):
        if left[node] == LEAF:
            return {_predicted(tree, node)}
        return classes_below(left[node]) | classes_below(right[node])

    pruned = 0

    def visit(node):
        nonlocal pruned
        if left[node] == LEAF:
            return
        if len(classes_below(node)) == 1:
            left[node] = right[node] = LEAF
            pruned += 1
            return
        visit(left[node])
        visit(right[node])

    visit(0)
    return pruned


def reachable_shape(classifier) -> tuple[int, int]:
    """(depth, leaves) of the tree as it reads after pruning (sklearn's own counts include cut branches)."""
    tree = classifier.tree_
    left, right = tree.children_left, tree.children_right

    def walk(node, depth):
        if left[node] == LEAF:
            return depth, 1
        (d1, n1), (d2, n2) = walk(left[node], depth + 1), walk(right[node], depth + 1)
        return max(d1, d2), n1 + n2

    return walk(0, 0)


def _conditions(name, threshold, missing_left, has_missing, decimals):
    if not np.isfinite(threshold):  # missing against present: every number goes left
        return f"{name} is present", f"{name} is missing"
    value = f"{threshold:.{decimals}f}"
    left, right = f"{name} <= {value}", f"{name} >  {value}"
    if has_missing:
        left, right = (f"{left} or missing", right) if missing_left else (left, f"{right} or missing")
    return left, right


def readable_rules(classifier, feature_names, class_names, missing_features=(), decimals=3) -> str:
    """The tree as indented rules in export_text's layout, with no infinite threshold.

    `missing_features` are the input positions that held missing values in training; their
    rules say on which side a missing value goes. With `class_names` None (a regression tree)
    each leaf gives the number the tree predicts there.
    """
    tree = classifier.tree_
    left, right = tree.children_left, tree.children_right
    missing_left = getattr(tree, "missing_go_to_left", np.ones(tree.node_count, dtype=bool))
    lines = []

    def walk(node, depth):
        indent = "|   " * depth + "|--- "
        if left[node] == LEAF:
            lines.append(f"{indent}class: {class_names[_predicted(tree, node)]}" if class_names is not None
                         else f"{indent}predicted: {float(tree.value[node].ravel()[0]):.4g}")
            return
        feature = int(tree.feature[node])
        conditions = _conditions(str(feature_names[feature]), float(tree.threshold[node]),
                                 bool(missing_left[node]), feature in set(missing_features), decimals)
        for condition, child in zip(conditions, (left[node], right[node]), strict=True):
            lines.append(f"{indent}{condition}")
            walk(child, depth + 1)

    walk(0, 0)
    return "\n".join(lines) + "\n"
