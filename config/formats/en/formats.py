# The English interface keeps Vietnamese conventions: dd/mm/yyyy and 2.357.000 VND,
# so that numbers read the same whoever looks at them.
from config.formats.vi.formats import *  # noqa: F403
