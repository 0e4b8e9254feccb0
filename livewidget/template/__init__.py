"""Templates: Jinja2 syntax compiled into Phoenix LiveView's rendered trees and their diffs."""

from ._compiler import CompiledTemplate
from ._environment import environment
from ._rendered import Rendered, diff
from ._tree import MalformedTreeError, merge, to_html

__all__ = [
    "CompiledTemplate",
    "MalformedTreeError",
    "Rendered",
    "diff",
    "environment",
    "merge",
    "to_html",
]
