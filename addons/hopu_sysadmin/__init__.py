# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.

# The classes are registered in tryton.cfg; importing the module changes
# nothing in trytond: trytond_patches applies Hopu's patches when a
# database where the module is activated is loaded
# (trytond_patches.Configuration).
