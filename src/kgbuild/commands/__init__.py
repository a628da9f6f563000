"""Sub-commands of ``kgbuild`` that live in their own modules; ``kgbuild.cli`` registers them."""
