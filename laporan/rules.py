"""Who may see and compute rankings."""

import rules

from instansi.rules import is_admin_bkn, is_ketua

rules.add_perm("laporan.lihat_peringkat", is_admin_bkn | is_ketua)
rules.add_perm("laporan.hitung_peringkat", is_admin_bkn)
rules.add_perm("laporan.tetapkan_pemenang", is_admin_bkn)
# The period's dashboards name the evaluators (their leniency): BKN-internal, the admin and the chair only.
rules.add_perm("laporan.lihat_dasbor", is_admin_bkn | is_ketua)
