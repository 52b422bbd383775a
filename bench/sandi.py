"""What a sign-in's password check costs, per hasher, and fifty of them at once.

Prints, for Django's PBKDF2 (1,500,000 iterations), Django's default Argon2 and the
project's Argon2id at OWASP's parameters (instansi/hashers.py): the median time of one
check, and the time for fifty checks at once on as many threads as the machine has
cores (both libraries release the GIL while they hash), which is the hashing part of
fifty evaluators signing in together.

    .venv/bin/python bench/sandi.py
"""

import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import nasional  # noqa: F401 - sys.path and the settings module

KALI = 7
SERENTAK = 50


def main():
    import django

    django.setup()
    from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

    from instansi.hashers import Argon2OWASP

    inti = os.cpu_count() or 1
    sandi = "kata-sandi-penilai-2024"
    print(f"{'hasher':<44}{'satu cek':>10}{f'{SERENTAK} serentak ({inti} inti)':>26}")
    for nama, hasher in (
        ("PBKDF2-SHA256, 1.500.000 iterasi (lama)", PBKDF2PasswordHasher()),
        ("Argon2id bawaan Django (100 MiB, t=2, p=8)", Argon2PasswordHasher()),
        ("Argon2id OWASP (19 MiB, t=2, p=1) — dipakai", Argon2OWASP()),
    ):
        tersandi = hasher.encode(sandi, hasher.salt())
        satu = []
        for _ in range(KALI):
            mulai = time.perf_counter()
            assert hasher.verify(sandi, tersandi)
            satu.append(time.perf_counter() - mulai)
        with ThreadPoolExecutor(max_workers=inti) as pelaksana:
            mulai = time.perf_counter()
            assert all(pelaksana.map(hasher.verify, [sandi] * SERENTAK, [tersandi] * SERENTAK))
            serentak = time.perf_counter() - mulai
        print(f"{nama:<44}{statistics.median(satu) * 1000:>7.0f} ms{serentak:>23.2f} s")


if __name__ == "__main__":
    main()
