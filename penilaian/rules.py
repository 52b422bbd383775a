"""Who may do what with periods and their instrument."""

import rules

from instansi.rules import is_admin_bkn, is_ketua, is_operator, is_penilai

rules.add_perm("penilaian.kelola_periode", is_admin_bkn)
rules.add_perm("penilaian.isi_mandiri", is_operator)
rules.add_perm("penilaian.menilai", is_penilai)
# Admins settle disagreements too: the panel chair may be away, and admins may do everything.
rules.add_perm("penilaian.moderasi", is_ketua | is_admin_bkn)
rules.add_perm("penilaian.pantau_penilaian", is_admin_bkn | is_ketua)
rules.add_perm("penilaian.kelola_penugasan", is_admin_bkn)
