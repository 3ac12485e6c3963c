# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from . import input_validation  # noqa: F401 (checks of every model's input)
from . import security  # noqa: F401 (RPC checks of every model, see security)
from . import selection_string  # noqa: F401 (list labels, see the module)
from . import speedup  # noqa: F401 (row fetching of trytond, see speedup)
