import pytest

from jdskills.normalize import normalize_alias, slugify, squash_alias


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Py Torch", "py torch"),
        ("  PyTorch\t", "pytorch"),
        ("MACHINE   learning", "machine learning"),
        ("C++", "c++"),
        ("C#", "c#"),
        (".NET", ".net"),
        ("Node.js", "node.js"),
        ("CI/CD", "ci/cd"),
        ("scikit-learn", "scikit-learn"),
        ("Python.", "python"),
        ("“Kubernetes”", "kubernetes"),
        ("Go (Programming Language)", "go programming language"),
        ("Ｐｙｔｈｏｎ", "python"),
        ("data-driven – analysis", "data-driven analysis"),
        ("R&D", "r&d"),
    ],
)
def test_normalize_alias(raw: str, expected: str) -> None:
    assert normalize_alias(raw) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [("Py Torch", "PyTorch"), ("py-torch", "pytorch"), ("Tensor Flow", "TensorFlow"),
     ("node js", "Node.js"), ("CI / CD", "ci/cd")],
)
def test_squash_makes_spelling_variants_meet(a: str, b: str) -> None:
    assert squash_alias(a) == squash_alias(b)


@pytest.mark.parametrize(("a", "b"), [("C++", "C#"), ("C", "C++"), ("Java", "JavaScript")])
def test_squash_keeps_distinct_names_apart(a: str, b: str) -> None:
    assert squash_alias(a) != squash_alias(b)


def test_slugify() -> None:
    assert slugify("C++ (programming)") == "c-plus-plus-programming"
    assert slugify("C#") == "c-sharp"
    assert slugify("Machine Learning") == "machine-learning"
    assert slugify("!!!") == "x"
