"""Who may read what was sent: each user reads only their own inbox (its views filter by the user);
a period's sending log, with every recipient's address state, is the admin's.

The panel chair does not read the log: it shows operators' and evaluators' delivery failures,
which the admin (who manages users and periods) acts on, not the panel.
"""

import rules

from instansi.rules import is_admin_bkn

rules.add_perm("notifikasi.pantau_pengiriman", is_admin_bkn)
