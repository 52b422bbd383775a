"""Password hashing: Argon2id at OWASP's parameters.

A sign-in costs one hash. With Django's PBKDF2 (1,500,000 iterations) that is about
270 ms of CPU, so fifty evaluators signing in at once keep a two-core server busy for
about seven seconds. Argon2id, Django's recommended hasher, at the first configuration
of OWASP's Password Storage Cheat Sheet (19 MiB of memory, 2 iterations, 1 lane)
costs about 16 ms and is at least as hard to attack: its memory cost is what makes
guessing on GPUs expensive. The figures are in docs/kinerja.md (bench/sandi.py).

The algorithm keeps Django's name, "argon2": a hash with other parameters (Django's
defaults) is still checked, and re-hashed with these at the next sign-in, as PBKDF2
hashes are.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2OWASP(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
