"""Settings: production refuses weak or missing secrets; the embedded default keeps one."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dashboard.settings import Settings


def test_production_refuses_to_start_without_a_secret(monkeypatch):
    monkeypatch.delenv("JWT_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="JWT_SECRET_KEY"):
        Settings(app_env="production", _env_file=None)


def test_production_refuses_a_short_secret():
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        Settings(app_env="production", jwt_secret_key="short", _env_file=None)


def test_production_accepts_a_long_secret():
    settings = Settings(app_env="production", jwt_secret_key="k" * 32, _env_file=None)
    assert settings.secret_key() == "k" * 32


def test_development_generates_a_secret_once_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.delenv("JWT_SECRET_KEY", raising=False)
    first = Settings(data_dir=tmp_path, _env_file=None).secret_key()
    second = Settings(data_dir=tmp_path, _env_file=None).secret_key()
    assert first == second and len(first) >= 64
    assert (tmp_path / "jwt_secret").stat().st_mode & 0o777 == 0o600


def test_blank_urls_mean_embedded(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", " ")
    monkeypatch.setenv("REDIS_URL", "")
    assert Settings(_env_file=None).embedded is True


def test_comma_separated_lists():
    settings = Settings(cors_origins="http://a.test, http://b.test", trusted_proxies="10.0.0.1,", _env_file=None)
    assert settings.cors_origin_list == ["http://a.test", "http://b.test"]
    assert settings.trusted_proxy_list == {"10.0.0.1"}
