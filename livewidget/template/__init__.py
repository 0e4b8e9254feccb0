"""Templates: Jinja2 syntax compiled into Phoenix LiveView's rendered trees and their diffs."""

from ._compiler import CompiledTemplate
from ._environment import environment
from ._loops import keyed
from ._rendered import Comprehension, Rendered, diff
from ._tree import MalformedTreeError, merge, to_html

__all__ = [
    "CompiledTemplate",
    "Comprehension",
    "MalformedTreeError",
    "Rendered",
    "diff",
    "environment",
    "keyed",
    "merge",
    "to_html",
]
