"""The one settings class, read from the environment and `.env` when first asked for."""

from __future__ import annotations

import secrets
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_BYTES = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    app_env: Literal["development", "production", "test"] = "development"
    log_level: str = "INFO"

    # Unset means "start the embedded server under data_dir".
    database_url: str | None = None
    redis_url: str | None = None
    data_dir: Path = Path("var")

    jwt_secret_key: SecretStr | None = None
    jwt_algorithm: Literal["HS256"] = "HS256"
    jwt_access_token_expire_minutes: int = Field(30, ge=1)
    jwt_refresh_token_expire_days: int = Field(7, ge=1)
    bcrypt_rounds: int = Field(12, ge=4, le=16)

    allow_self_registration: bool = True
    # Comma-separated. "*" is honoured only without credentials (see dashboard.web.middleware).
    cors_origins: str = "http://localhost:3000"
    # Comma-separated IPs whose X-Forwarded-For is believed.
    trusted_proxies: str = ""
    # The origin the admin panel is served from, checked against Origin/Referer on
    # unsafe methods. Unset: the request's own scheme and host.
    public_origin: str | None = None

    # Per caller (the user of a valid bearer token, else the client IP), in the `limits`
    # notation ("10/minute"). RATE_LIMIT_AUTH covers register, forgot-password,
    # reset-password, verify-email and send-verification, each counted on its own.
    rate_limit_enabled: bool = True
    rate_limit_default: str = "100/minute"
    rate_limit_auth: str = "5/minute"
    rate_limit_login: str = "10/minute"
    rate_limit_refresh: str = "20/minute"
    otp_ttl_seconds: int = Field(300, ge=30, le=3600)
    otp_max_attempts: int = Field(5, ge=1, le=20)

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from_email: str = "no-reply@university.local"
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = 10.0

    media_dir: Path | None = None
    # How money is shown (the admin panel's amounts): an ISO 4217 code and the locale whose
    # digit grouping and symbol placement apply (en_IN: ₹19,48,60,900.00).
    currency: str = Field("INR", pattern=r"^[A-Z]{3}$")
    locale: str = "en_IN"

    demo_students: int = Field(2000, ge=0)
    demo_seed: int = 42

    # Campus services (domain.md §3.10-§3.11). The name on receipts when no university
    # row is active.
    university_name: str = "University"
    library_loan_days: int = Field(14, ge=1, le=365)
    library_max_loans: int = Field(5, ge=1, le=100)
    library_fine_per_day: Decimal = Field(Decimal("5.00"), ge=0)
    library_max_renewals: int = Field(2, ge=0, le=20)
    # A renewal moves the due date this many days past the later of today and the old due date.
    library_renewal_days: int = Field(14, ge=1, le=365)
    # Notifications: recipients emailed per email job (a notice to 50,000 people is 100
    # jobs, not 50,000), and whether notices are emailed at all (urgent ones always are).
    notification_email_batch: int = Field(500, ge=1, le=10000)
    notification_email_enabled: bool = True
    # Documents: the upload limit, checked while the body is read.
    document_max_mb: int = Field(10, ge=1, le=100)
    # Reports: how long a report file made by a worker stays downloadable.
    report_file_ttl_minutes: int = Field(24 * 60, ge=1, le=60 * 24 * 90)

    # Bulk imports: the largest share of a file's rows that may be errors for it still to
    # be committed (an import may set a stricter or looser share of its own).
    import_error_threshold: float = Field(0.1, ge=0, le=1)

    # Where uploaded photos and documents are kept: `local` (media_dir) or `s3`, any
    # S3-compatible service (AWS S3, MinIO, Ceph, ...): the bucket must exist.
    file_store: Literal["local", "s3"] = "local"
    s3_bucket: str | None = None
    # Unset: AWS's own endpoint for s3_region. Set for MinIO and the like (http://host:9000).
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    # Keys are written under this prefix ("" = the bucket's root).
    s3_prefix: str = Field("", pattern=r"^(?:[a-z0-9][a-z0-9_-]*/)*$")

    # Calendar feeds: the time zone the timetable's wall-clock times are in.
    calendar_timezone: str = "Asia/Kolkata"

    # Reminder rules (jobs/reminders.py): each runs daily at reminder_hour_utc, can be
    # switched off, and notifies each person once per subject.
    reminder_hour_utc: int = Field(6, ge=0, le=23)
    reminder_fee_due_enabled: bool = True
    # Days before a fee's due date to remind (comma-separated).
    reminder_fee_due_days: str = Field("7,3,1", pattern=r"^\s*\d{1,3}(?:\s*,\s*\d{1,3})*\s*$")
    reminder_book_overdue_enabled: bool = True
    reminder_attendance_enabled: bool = True
    # Below this percentage in an offering the student (and parent) are told, once each
    # time it falls below; after at least reminder_attendance_min_classes classes.
    reminder_attendance_threshold: Decimal = Field(Decimal("75"), gt=0, le=100)
    reminder_attendance_min_classes: int = Field(5, ge=1)
    reminder_results_enabled: bool = True
    reminder_exam_changes_enabled: bool = True

    @field_validator("database_url", "redis_url", "public_origin", "smtp_host", "s3_bucket", "s3_endpoint_url",
                     mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("calendar_timezone")
    @classmethod
    def _a_known_time_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError) as exc:
            raise ValueError(f"CALENDAR_TIMEZONE {value!r} is not an IANA time zone (such as Asia/Kolkata)") from exc
        return value

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> Settings:
        if self.file_store == "s3" and not self.s3_bucket:
            raise ValueError("FILE_STORE=s3 requires S3_BUCKET")
        return self

    @property
    def fee_reminder_days(self) -> tuple[int, ...]:
        return tuple(sorted({int(d) for d in self.reminder_fee_due_days.split(",")}, reverse=True))

    @field_validator("locale")
    @classmethod
    def _a_known_locale(cls, value: str) -> str:
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(value)
        except (ValueError, UnknownLocaleError) as exc:
            raise ValueError(f"LOCALE {value!r} is not a locale babel knows (such as en_IN or en_US)") from exc
        return value

    @field_validator("rate_limit_default", "rate_limit_auth", "rate_limit_login", "rate_limit_refresh")
    @classmethod
    def _a_rate_limit(cls, value: str) -> str:
        from limits import parse

        parse(value)  # raises ValueError on anything but "N/period"
        return value

    @model_validator(mode="after")
    def _production_needs_a_real_secret(self) -> Settings:
        if self.app_env != "production":
            return self
        secret = self.jwt_secret_key.get_secret_value() if self.jwt_secret_key else ""
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(
                "APP_ENV=production requires JWT_SECRET_KEY of at least "
                f"{MIN_SECRET_BYTES} bytes; generate one with "
                "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
            )
        return self

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def trusted_proxy_list(self) -> set[str]:
        return {p.strip() for p in self.trusted_proxies.split(",") if p.strip()}

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def media_root(self) -> Path:
        return self.media_dir or self.data_dir / "media"

    @property
    def embedded(self) -> bool:
        return self.database_url is None or self.redis_url is None

    def secret_key(self) -> str:
        """The JWT secret; outside production one is generated once and kept in data_dir."""
        if self.jwt_secret_key is not None:
            return self.jwt_secret_key.get_secret_value()
        key_file = self.data_dir / "jwt_secret"
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(64))
            key_file.chmod(0o600)
        self.jwt_secret_key = SecretStr(key_file.read_text().strip())
        return self.jwt_secret_key.get_secret_value()


@lru_cache
def get_settings() -> Settings:
    return Settings()
