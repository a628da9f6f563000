"""The public surface is small and pinned: changing it is a decision, not an accident."""

import kgbuild


def test_the_public_api_is_exactly_the_pipeline_verbs():
    assert kgbuild.__all__ == [
        "KgbuildError", "build", "export_graph", "infer", "load_corpus", "load_queries",
        "map_corpus", "render_timeline", "run_query", "validate",
    ]


def test_every_exported_name_exists_and_is_documented():
    for name in kgbuild.__all__:
        assert getattr(kgbuild, name).__doc__, f"kgbuild.{name} has no docstring"


def test_every_error_kgbuild_raises_on_purpose_is_a_kgbuild_error():
    from kgbuild import errors

    classes = [value for value in vars(errors).values()
               if isinstance(value, type) and issubclass(value, Exception)]
    assert all(issubclass(cls, kgbuild.KgbuildError) for cls in classes)
    for cls in classes:
        assert cls.__name__ in errors.__doc__, f"{cls.__name__} missing from the tree drawing"
