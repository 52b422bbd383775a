"""Who may do what with periods and their instrument."""

import rules

from instansi.rules import is_admin_bkn, is_operator

rules.add_perm("penilaian.kelola_periode", is_admin_bkn)
rules.add_perm("penilaian.isi_mandiri", is_operator)
