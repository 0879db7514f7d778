"""crmlab — customer relationship management analytics for teaching and research.

Topic modules are imported on their own, e.g. ``from crmlab import clv`` or ``import crmlab.survey``;
importing the package itself stays cheap.
"""

from crmlab.errors import CrmlabError

__version__ = "0.1.0"
__all__ = ["CrmlabError", "__version__"]
