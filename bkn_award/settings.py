"""Settings of the BKN Award application.

One module for every environment: each switch is an environment variable, with
defaults that run on a developer's machine with no server at all (SQLite and the
filesystem Celery broker under ``var/``). Production sets ``DEBUG=0`` and real
secrets; see README.md and docker-compose.yml.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ya"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


# On by default for development, as in healthchecks; production sets DEBUG=0
# (docker-compose.yml), which also demands a real SECRET_KEY.
DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY wajib diisi bila DEBUG tidak aktif (set SECRET_KEY atau DEBUG=1)."
        )
    # Development only: never used when DEBUG is off.
    SECRET_KEY = "django-insecure-pengembangan-saja-jangan-dipakai-di-produksi"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Public address of the site, used in links that leave the request (e-mails, QR codes).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "instansi",
    "penilaian",
    "laporan",
    "notifikasi",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Public pages' copies for anonymous visitors, ahead of what such a page does not use.
    "bkn_award.halaman_publik.SalinanPublik",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, the first to read an upload's body.
    "bkn_award.middleware.UnggahanTanpaRuang",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "bkn_award.middleware.TanpaSimpanUntukPengguna",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes last, so that it sees the outcome of the login view.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves the collected static files itself; runserver does in development.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "bkn_award.urls"
WSGI_APPLICATION = "bkn_award.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "bkn_award.context_processors.situs",
            ],
        },
    },
]

# Database: DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/bkn_award.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        # Persistent connections, checked before each request reuses one: a connection dropped by
        # a database restart or failover is replaced instead of failing the request.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to the same file: WAL and
    # immediate transactions keep them from tripping over each other's locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so that a Celery worker started by the tests shares it;
    # one per test process, so that two test runs on one machine do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: CACHE_URL (redis://...) shares it between processes in production;
# the default file cache is shared by the web server and the worker on one machine.
# A lost or frozen Redis costs a request half a second at most: every cached thing is computed
# again without it (bkn_award/cache.py), and a task that cannot be published is told at once
# (bkn_award/antrean.py). A healthy Redis answers in a millisecond.
REDIS_TIMEOUT_DETIK = float(os.environ.get("REDIS_TIMEOUT_DETIK") or 0.5)
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "bkn_award.cache.RedisCacheTahan",
            "LOCATION": os.environ["CACHE_URL"],
            "OPTIONS": {
                "socket_timeout": REDIS_TIMEOUT_DETIK,
                "socket_connect_timeout": REDIS_TIMEOUT_DETIK,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Users, login and throttling of failed logins.
AUTH_USER_MODEL = "instansi.Pengguna"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "instansi.backends.PenggunaBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "beranda"
LOGOUT_REDIRECT_URL = "login"
# Argon2id at OWASP's parameters (instansi/hashers.py); older hashes are checked with the hasher
# that made them and re-hashed at the next sign-in.
PASSWORD_HASHERS = [
    "instansi.hashers.Argon2OWASP",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Lock the pair (username, address): one attacker cannot lock a colleague out
# from another office, and one address cannot try every username.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ...and one account, from any addresses, at a higher limit (instansi/akun.py): guessing one
# password from many addresses stops too.
AXES_FAILURE_LIMIT_AKUN = env_int("AXES_FAILURE_LIMIT_AKUN", 20)
# Password reset: requests per client address, and mails per e-mail address, in an hour.
RESET_SANDI_PER_JAM = env_int("RESET_SANDI_PER_JAM", 5)
RESET_SANDI_PER_SUREL = env_int("RESET_SANDI_PER_SUREL", 3)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "instansi.views.login_terkunci"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_VERBOSE = False

# Language and time.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# Static files: vendored under static/, served by WhiteNoise in production.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# Agencies' evidence and rendered certificates: never under a public URL, only
# served by views that check permissions. Files go through Django's storage API
# ("bukti"), so an S3-compatible store (django-storages) can replace the folder.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES["bukti"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT / "bukti"), "base_url": None},
}
STORAGES["sertifikat"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT / "sertifikat"), "base_url": None},
}

# Evidence uploads: a limit per file and a quota per agency (both in MB). Uploads
# above FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file in chunks.
BUKTI_MAKS_MB = env_int("BUKTI_MAKS_MB", 20)
BUKTI_KUOTA_MB = env_int("BUKTI_KUOTA_MB", 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or None
# Production behind nginx/Apache: let the web server send private files after
# the view has checked permissions. "x-accel-redirect" (nginx, with an internal
# location at BUKTI_SENDFILE_PREFIX aliasing PRIVATE_MEDIA_ROOT/bukti/) or
# "x-sendfile" (Apache mod_xsendfile); empty: Django streams the file itself.
BUKTI_SENDFILE = os.environ.get("BUKTI_SENDFILE", "")
BUKTI_SENDFILE_PREFIX = os.environ.get("BUKTI_SENDFILE_PREFIX", "/_bukti_internal/")

# E-mail (password reset): the console in development, SMTP when EMAIL_HOST is set.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "BKN Award <noreply@bkn.go.id>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0. The default is
# kombu's filesystem transport, which needs no server.
CELERY_BROKER_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem"):
    # kombu's filesystem transport does not create its folder itself.
    CELERY_BROKER_DIR.mkdir(parents=True, exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        # Its exchange table too: by default a "control" folder in whatever directory the process runs in.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {
        # A message taken by a worker that died unacknowledged goes back to the queue after this
        # long: more than the longest task (a national ranking takes about 2 s), far less than
        # kombu's hour.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300),
        # A frozen Redis fails a publish within a second (two tries) instead of holding the request.
        "socket_timeout": REDIS_TIMEOUT_DETIK,
        "socket_connect_timeout": REDIS_TIMEOUT_DETIK,
    }
)
# One quick second try (a connection dropped by a Redis restart), then the caller is told.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
# Celery beat (CELERY_TIMEZONE: the times are WIB). The outbox every minute is the safety net
# that sends what a lost message left queued; its runs expire rather than pile up while no
# worker is there. The reminders and the missed-deadline summaries at 07.00, before the daily
# digest of 07.30 that carries them to the users who chose it; run twice, each writes once.
CELERY_BEAT_SCHEDULE = {
    "notifikasi-kirim-antrean": {
        "task": "notifikasi.tasks.kirim_antrean",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "notifikasi-kirim-pengingat": {
        "task": "notifikasi.tasks.kirim_pengingat",
        "schedule": crontab(hour=7, minute=0),
    },
    "notifikasi-tenggat-terlewat": {
        "task": "notifikasi.tasks.tenggat_terlewat",
        "schedule": crontab(hour=7, minute=0),
    },
    "notifikasi-kirim-ringkasan": {
        "task": "notifikasi.tasks.kirim_ringkasan",
        "schedule": crontab(hour=7, minute=30),
    },
    # A scheduled announcement of the winners is told to the agencies once its time has come.
    "laporan-beri-tahu-pengumuman": {
        "task": "laporan.beri_tahu_pengumuman",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}
# Seconds between an open page's requests for the notification bell's unread count.
NOTIFIKASI_POLL_DETIK = env_int("NOTIFIKASI_POLL_DETIK", 30)
# Ranking runs: the worker touches its run every few seconds; a run silent this long lost its
# worker (or never found one), is shown as stopped and no longer blocks a new one.
PERINGKAT_BATAS_DIAM_DETIK = env_int("PERINGKAT_BATAS_DIAM_DETIK", 60)
PERINGKAT_DETAK_DETIK = float(os.environ.get("PERINGKAT_DETAK_DETIK") or 5)
# Seconds a ranking run pauses at each stage: 0 in use; the tests set it to watch
# progress and to kill a worker midway.
PERINGKAT_JEDA_DETIK = float(os.environ.get("PERINGKAT_JEDA_DETIK") or 0)
# Seconds /healthz waits for the broker and the cache (side by side) before calling them down.
HEALTHZ_TIMEOUT = float(os.environ.get("HEALTHZ_TIMEOUT") or REDIS_TIMEOUT_DETIK)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_TAGS = {40: "danger"}  # Bootstrap's name for messages.ERROR

# Security. Content-Security-Policy: only our own files, no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Sessions read from the cache, written through to the database: a signed-in request costs no session
# query while Redis answers, and loses nothing when it does not (bkn_award.cache: errors are misses).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The container's own health check speaks plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
