"""Calendars, the email opt-out, email delivery records and the reminder rules.

- ``notifications.sent_by_id`` becomes nullable: the reminder rules (a fee falling due, an
  overdue book, low attendance, results published, an exam moved) are sent by the
  university, not by a person, and no user stands in for it.
- ``calendar_feeds``: one row per user with a calendar feed; the feed URL's secret is
  derived from ``nonce`` and the server's key, and only its SHA-256 is kept (looked up by
  ``token_hash``). Rotating replaces the row, so the old URL finds nothing at once.
- ``notification_preferences``: a user's choice to receive no email for non-urgent notices.
- ``notification_emails``: who has been emailed for which notification, written as each
  email is handed over, so a retried email batch skips them and the delivery shows a count.
- ``reminder_notices``: what each rule has told whom about what (``rule``, ``subject``,
  ``user_id``), so a rule that runs twice in a day notifies once.

The new tables are plain SQL (declared in ``models.constraints.COMMUNICATION_TABLES``); the
model snapshot below differs from the earlier one only by ``sent_by`` being nullable.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
ALTER TABLE "notifications" ALTER COLUMN "sent_by_id" DROP NOT NULL;
CREATE TABLE IF NOT EXISTS calendar_feeds (
    user_id INT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    nonce CHAR(32) NOT NULL,
    token_hash CHAR(64) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT uq_calendar_feeds_token_hash UNIQUE (token_hash)
);
CREATE TABLE IF NOT EXISTS notification_preferences (
    user_id INT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email_opt_out BOOLEAN NOT NULL DEFAULT false,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS notification_emails (
    notification_id INT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    user_id INT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sent_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (notification_id, user_id)
);
CREATE TABLE IF NOT EXISTS reminder_notices (
    rule VARCHAR(40) NOT NULL,
    subject VARCHAR(200) NOT NULL,
    user_id INT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notification_id INT NULL REFERENCES notifications (id) ON DELETE SET NULL,
    notified_on DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (rule, subject, user_id)
);
CREATE INDEX IF NOT EXISTS ix_reminder_notices_notification ON reminder_notices (notification_id) WHERE true;
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TABLE IF EXISTS reminder_notices;
DROP TABLE IF EXISTS notification_emails;
DROP TABLE IF EXISTS notification_preferences;
DROP TABLE IF EXISTS calendar_feeds;
DELETE FROM notifications WHERE sent_by_id IS NULL;
ALTER TABLE "notifications" ALTER COLUMN "sent_by_id" SET NOT NULL;
"""


MODELS_STATE = (
    "eJztXVuX4ri1/itevJyZter0mal0TbJ4c4GrmoQCwqUnSZPlNrYonDYy40t1k2T++5F8wx"
    "fZSGBAdutlejDewvVJlvbe3778p7O1DWC572Rja8KZp63Xna70nw7UtgD9D+HbO6mj7XaH"
    "7/AFT1tZwe0avk91kxtXrudouoe+WmuWC9AlA7i6Y+4804boKvQtC1+0dXSjCV8Pl3xo/u"
    "YD1bNfgbcBDvri0z/RZRMa4Btw44+7L+raBJaReWbTwL8dXFe9/S64NoDeU3Aj/rWVqtuW"
    "v4WHm3d7b2PD5G4TevjqK4DA0TyAh/ccHz8+frroj43/ovBJD7eEj5iSMcBa8y0v9eeu1M"
    "O1jqqOxnN1psxVtcMAkG5DDC56VDf461/xI/zv/c/v//j+T3/45f2f0C3BYyZX/vh7+NMH"
    "YELBAJ7RvPN78L3maeEdAcYHUHUHYCRUzSuC20ffeOYWkBHOSuaQNiLRd/H/5HGPUa4CPr"
    "5wQP6w2q4BPfoDjTG09tGUV+A8H7wos7n8MsE/t3Xd36wAP3mu4G/ug6v73NUffvkRX7fR"
    "ixS+ZMkg0q+D+QcJf5T+MR4pAby26706wS8e7pv/o4OfSfM9W4X2V1UzUqszvhqjhu48zL"
    "q/M06c9axkDbMePS4vk96QSY4xqZxlsN1Z9h4AlbRz9jaaQ57inFhujhFYp7zLt91Et9o3"
    "1QLw1dugjw8/VUzyR3na+yBPf3j4KTdxo+ib++Cr3zNAO7YFyAgr0N8GKA/QA2lQBwW0Y9"
    "l6YC6+PTXg3JktJspUlfsvg1FXcv0dcNRAI1jCqfI8mM2n8rQrOeDVxKA7Syj3euPFaC6P"
    "5l1J03Xbh+hv95ZwOHhEtw5kNIplrtCtpobG+FWe9hV06avmGAB9Rsv+6Qn9TqxtsM7vPc"
    "383pfP731hfhEc5ivUAjgYXqSc2KVm+LqHYgbqn3+iwRrdVQp28F0ObYSGaq/Vf9kmxI9C"
    "PKFKEC+KVh1RDcS/Am585uSgRO+Q57unbk0H6attTh1kVZhv8aNQb1Bybz74qODNBksv4W"
    "AUXzFhfG2ijPqD0XNX2gFoIIjRRrOY4YtKH29qLr4MjCV8nsr9BYISXX11NMPHf+AS9qfj"
    "yQRfMxx7t8NX0K43mj0p0ym+imYIumvgOMDgZcvaaY63BdAjnv6ldlNB7rgJdZJS1zwbKq"
    "U9u+gAZEI1JXESnpypUzXgia389ReiSXpYgkWEn2wHoDP1L2Bf2LpywEYejn5msEYt29/j"
    "VRRfPfy+o31NHCTFVxahgP524AU4oKeQRovhsBNAvtL0L1jPUkuwN13XR9bdyra/EI6Nx0"
    "j66S9TYJXpNRHwj2iIAR6tuYdsAfnMLrBzbB24LkJrp+0x+mcC9gTAJByorYiFCj4CbIMM"
    "3cjFeDpeH4JBGuthKEKF30/73ia+l/gAKcI1hmBuo/9Q7oWLaJBGHTa0u2DqiM3sf1MF2a"
    "eD3jy3/2WBxl9t77f5KxrUXoM/GD8afpDYbY5ee9cNXlWSU/3w7V2lUz25z63fqf4J4eg7"
    "LraGkFoa2ULBg/5T+NuFv53HM0T424W/nddJpvK3B/8W5rfcPxjf30LH4D2VY/C+wjF4X3"
    "QMHg7MECsi1MfdWoRheHa+/3Ux+EdX+s03/72E8mw2eB69KIFj3cXeZfxnLOHLoD9Xpi9d"
    "aWsaHnC2S/g0GMlD9Egm1KwlnEzHf1Z6SAgZLf8CuoevKDM0jDwfjEf4MnDRQInGzYP/6g"
    "BCYZ7n4Fup+yojdtK8NmiHVP42z2yOMaI/vMh/+zGzQQ7Ho+f49tQM9IbjxxzyeGK3mkOy"
    "//tAN7eaRYY+I5c/qELBd9EADdzeqvzuSm/wIg9/+Pmnu/sAdAS5GRof8XS8L6zvr8B83X"
    "jIvGBEOSP3PaL8CwPIMcfDQh9995xRzm5kc3SThevxed9awbms15tgrp/p+u4FI45TAzYM"
    "cVrXD3nR0XiBSuYC837gTPfkMx6jRaAT3JM1OtQ8D0AjWM4kh9rh27tKh1r2vmP+NOw+lb"
    "DGIq1tR9KgBKBjWxbWqCUTSpoUrispXleSjS8a2v5dXkU+faQlXMKRLX3+fPDufP7cRZ/x"
    "aNFHyXQlbwPQSC5wPCk4iTp3JV6/wy8HDxkdWPnNJe8DLHgLo3cokEf3fkKqs28cGKbwuv"
    "AcXtNzyK8ycwM6oK3xLyf4ByJLPjHil1B+DC+gHTD4PETAdCV0YIElVP7WW8xwxAr4pvsu"
    "L9EqDiixOMst/ZSIsPJPsfKj84XVIZ0RFCwELw5qwUIIFkLY79eMAjxo2mwQF+QEugR0o2"
    "NmtWcDNy92oejVRkObNeUogc0KiSV73KGXtcTP9OUpmcEaBjStH6+wM5a48AiLuQaIZ4eR"
    "Wopv9h2mAFf4pK/jkyYefDWgTRnwydl5Rwtx/qxnDnu/jkd75m/Rk+47lY7t+KY7Ov+26q"
    "buP+rnPvyMZK9z7mn7DTiSDYGkaxa+yZG2NvQ2RRf3qYNQeKmDm0VcqohL5XPLFx4h4RHi"
    "dZKpPEKe7WmWqltB4CPD3lmQE2YfwZwOT2X0KrADTBIVGJdiHGg+O+DoOFSVOXKudIzvMY"
    "rugSGKLlTPiOdDiRMuFviu4+iEf1g42zi2nqudbT151pP7ys2sZ98wvaH92iEZzfF3d5W2"
    "Mr5LtexXutzKIIIrtGT+L1Rt/y8EQ9pqBpC8jWP7rxtJk1zgvJk6eCeNADZ6IzVYsh0pvN"
    "8gB4fVN/TxAorYvPZMb59kt0Qf0TSLkK2rGtW49AxbyaiDRAuTwuovvBatbNbEu5xYC6G+"
    "f3igidF6eCgP0sLfEdEuz72rRPvSuXZtXNiMimNKRiiNBDPSRve8aZZPWL5/no1HZFgzQn"
    "mLxtQ96b+SZboNjCuogA6jkfFuFUIO89GFd1m3FR4gH3IIwVd29DNCAv3T0Td32GWIbigJ"
    "hy7R9DJSbQi0ze7c72mOyfflp+T7wiEZ1KFBVg3JEi3HOSvVPpwfqOoBPFTUA3go1gPAvi"
    "Rky293rORFRvA6jNVVzZoWE1ZXL73IV03AC7vRyGXGbhd30oJCY1fzmR0KLhKcZplqjOVe"
    "M1z3UQ1qQFK6zWTJsjWII0KC8A97tw+iQyQ8kOTZ6P8wXNIPGtyH/7fV9uhLx7G//kiIMT"
    "l3NBrnWGr+ogSvKMExTvYy0AgiwfEye89dhbdMhKB8lye6CEH5DkJQgjNFLU9hLp/lrGT7"
    "lPU2zbJx4hwbV59h8SKfOMUO8HwHnjTLOVGxYfM8z2sTAlXb4tY9hHmuirPKSd4muuqn60"
    "9xUgbuniG2ivcCFUVkoxYBHTaAO4PZbIHLToTSuHHUfDEd4SvhtoCvjT8q0/5C6Qb5BOhM"
    "WMLheDbvIqMwdPCLOhV873GXqFPhIHS+4ihk8k5UanQX5K5HiF5q76mbDQ2dPSyejJTEpe"
    "BsnkOj2DyFkbfPiwlouWy5dGsX0GU9//jVrsHzPwzaOu4fo9GatWhpGYDUNkiR0HtdToW3"
    "ZVsfq0LcaWsANtsDvZ0rNn/EcEVc9XDy00zfAMO3iORV9oa7KgIrSKRS3eheWhILHipzep"
    "r/uomqdjq2vZUMP7iuSa5le3cSDs3eS18B+EKgr04fh4a4woLR/OERkekuGCrBUHGyzwuG"
    "SjBUvE4ynWM72lILU1wetJcS4bhALDcx7aarHro7ZzFG9oIFNFhmH6fkckAjVbwmH3IB6f"
    "jCdd+bx/F4mHllHgd5L9ni5VGZ/vBzzsdctJkbVAiyeUpCyoV/UMsosU1JCNdEWzpj8Gj2"
    "nVyEDK/QGnCeI60mMM1m0XgNW9i0OKdeaL4s62D+OySTOvzmrtKWDu65QG/anGUrbFhhw3"
    "LxugsbVtiwvE4ylQ172wa0t902L99+VrcNJnTj+1uHbv2uAdHt9VbxNe4eI0EKQSuHPS0j"
    "MGfHHClShumxFApMSQiPQbmrq7wyyfFYytwQHDt0O73xVOlKOrLGl1AZKr354CP6jKzOwE"
    "u6hC/yCKkj4+nfuxIyDZFqZjv7JRxPcK9v3BTcDkYKg29vH1NpgTdgnTpriTDPVWU6j8rz"
    "YDRSpl1pBV5NiJ5pCdEiVqYvSn8QNGdDYANni15yDTdpk/sf5VEPB8dqxhv+uw3cuG2iTO"
    "e4b9sOOEED9/GTMptFU7pz7DVwXY6mFQ8fNRxg2enyYqKBCynOkGcipQht45kUA+w0x2Mv"
    "5VmQE/zJUW//AbMaHND9zGDNwpnW+VxYZGc0vo6ZgjN7X7e2y0tmV9g5wAG/+aaL9g3VMi"
    "EpL4QdtUlq1LYih5YsrnuOVqyAjQE28E3bZmMbT0dNQWOlQyrbiNeroxnn4vSMx2grQMhq"
    "QBht1RTTdzpSk3CwA7PYFsQuz9AmJ2UpU5s+S48xtmrmFKep4RPKxTHLa9uRNClaGziCGR"
    "fj0XT0HmxNXdoDDX0NDckFuIgaLsczBWvpc24tfSaW97ncDxHbTOnJWoyEAkCiH1DxDwSa"
    "fzR++P9hAeZ8M6pPybsSVQ6KZUQEtmCv+di/BHst2GteJ5mKvU7vw7SRlCkR4Vsh9E3Kn3"
    "W03HVBkGM+5OQYgbpd3rHywIBzSqQNTOrF628EGRf+dkXaJY4laiRi7UO6/ogMPLyu7TTd"
    "9AhJtpX0TVpM0DfFTTnsvISUkhPoMaKsKG1SyMlIebayyJZ3GkjLiEYDpzcaaF5JqxMY/f"
    "5Ufpp3JcPR1h4OrVBGOKwCQPT/o+fxYPSMPsJXG83LEvbGL5OhMsd0vm5vd0ErL3QVM/zD"
    "YXAVI4Hfaj6YezQFjldR4a/k9clIfeedHw1m+NIy3zV4kQ/zlGRFkVJXeiBmvZeUsGaFBK"
    "7HgxdSbuYzIxcmh5EaBjFt3EJ2dVEkJR68+bWkf7YY2sx+eEY4SNCU3N2SbRQWblBOBmoR"
    "6llP26G7uAN02zHORSwZr62IEUo1nREEki8R1UbEHPBq4q/x4LUEzUxTA7YVtCBoxosT0V"
    "W0BTlmHcEzSW57W4ET0TNHAFprOvrRvYp2HqR+1HBKxkEeT+HAbcLt8jE0mQDA0jiafJjg"
    "0ViadJAnZTzN58+h7OfPUiDqAFf6/Dk90OfP76TeXkennqQ5AN219l1gSKu95G1A0gc+7w"
    "2qdeCj8TIpnPLBMCLkRYS8cLHdiJAXEfLC6yRThbwIZ2d9O2hJYgajx7MgKcKKKAu0Ccfc"
    "OY65njzryX2lU7qQOYOXx0w4wtvLYTm2jNOl1FDJu2aOGioF5xBV3fMwngTbrpINAyPBsY"
    "NY+6QHbxCwH2cUEGuenzIG0fw4DNS5K5Z9LIbkk8sbxk19hZUirBQuDgdhpQgrhddJpgvM"
    "b1xEV0SVIHWAuVHhVHkezObKNGxNGI+yhP3peDLBFw3H3u2CCC5CXFf+fLxRmHTy3Ce8mQ"
    "VhsSXz8rbSbMkNqvreaCfDQVllg7ggJ9A97mHIWgZnmsFKZrCGAU1rCxeWGXWAFe+F9rmE"
    "m6nS/m28D6laSASvQ7ZSUrm34VBtSBSGFxa8sOCbri4KC/57sOBFYXhRGL6RaciiMPytip"
    "RvbIPNsD0IXCjpu3nKVorJRYAw7RGJQBvW7qX9nWCrmSUlxEucMLFAC9F9eKCB9+GhHF/8"
    "XRbglW9aBtElUI5xWqZ9MP9MpUj8XKFI/FxUJNaWbbOUP0ruF2U2mlYlvX3tZtEf+wYc1/"
    "T2bHpDQU6oD8fc4QfIavDRLjKDNQpmWu9sYYllHLPoKaTRYjikzIk1tiZUEajrNWFjYcnw"
    "xAPN4nGatVfTJXjWUVW4dSGhxBSyLcC1yc6EqoVpY5k+QebK0Zy9is7gc0vGD8OhkBrwpa"
    "XvXlRcoZ6S3m1dUeX111hAmoWjtAmki9KQtu6XkpDxd3eVFGR01+UJyE8dB08/MHDaONYe"
    "gqnH2kX2MlIqRLixICv5eKsFWSnISl4nmYqsRFsqqXJnuacxEeC5ZCRP7lzBqt2KVYt1l0"
    "STOCWivjAIx8XZOz1lOh88DXpBm1MdOJ65NnUNdzmdT+XRrDcdTOb4lzQYii3hoK/25Gm/"
    "K5mGqiN9cwmnymSMe586YGfj3qfj+QfcTNUO1LZTXqraGai1aQF1p6HRGfatjFAL964HKo"
    "7koYIjeSBwJBg01niWjFALkb7IKRGA5pr/JiBdzkilZURkO4Em2SL9smL3J8OaEWrDuXsF"
    "MrXEdKeFvES8feDXH7RV9I7QbyBEWUFvE+ntnb+yTJ2d3j7IXbEJeHKlsQS3puvAddGL8w"
    "ZKgo2Oq+75MTjeTjqT6eBjoLXvHPMt0NgRJsp0JA+Rag494EDNWsLJ4nE46KGbkkV1e23c"
    "00gdrMtbf8T3i7Yfp7f98HeWrRknOucyotfxyV7VG95ml2w0dyvWsJ+CoKi0RQiqcoHDiO"
    "tBQgB6PJLKJXWSY4+hioZpFrbU4VOHJUWRRZx6sQWyx5AtbIJcpQynMuUJbH02j76crz+k"
    "olM3JI8iM6S43R1uDp50Cic1Fj8uINKNBYPfFJdjm9VFweC3n8FPFR8p74NXPtUE8Ra+5W"
    "2acN4rxBUOzqSRbodtdjvKaDoOu3bGI9CWhlvCJ3kQSK41k5tmn69xhxZaXiQR4Nh1eSoT"
    "QkOElPMgRGjVnW2Sqlb1gW5uNasC44NkfvMLRd9FQzQP9QqY+0pv8CIPf3h/d5/zx8cT8L"
    "5YfsEBhum5KtAcCJiq3RUERSftvAPKAVvNIeVblIeJpUTasEdcO0SM41atzbM/C8kebLBm"
    "hQSsR/2p7iEZ5kzHX61pNTz6/rJri8KxymlzYR6xpeotTJXtK9q6nt4I1/W3SBM4u9vmAb"
    "NZMGBrM1zLOnmcmz39PbR5Fd1KjyW7gi3AZd3R8nLRr5+b9BqNNg0GaxNmF+XTvmnbpEk1"
    "iVFLf39XyanhrsaZ3tl07X6QmAmDuZVwR3b879p2JC1u0vMDePf6Lujhc//T/cP/3v8ixe"
    "tG+oO0RqKW+yO5CVBtIwuiThB1DdlEBFEniDpeJ5mOqMPHCGsyVUaojclUl6gRHIB2TtJn"
    "ZgCeUe+8DPpzZfrSlbamgY737RI+DYKg8eCUX8LZYjIZKi/KaC5P/96VXH+3swBme5Fpt4"
    "SDl8l0/DH4uiuZW2TJv4E4xuj2dJmmIxNha+rqHmiEwMHyl6YgyHHO7snvTd1oxxoii8c2"
    "JSLyD4l+cM3x1PjoZTnYs5ItVOdadbJD46RJTsuJKeZ6ikNHDsJIt7TQuVcRbVVG1ZYOUT"
    "X5rVLa8Vzm9kjL1hP/F+0Bn5ZpA+19hQIDjYsaO0EZ7k/lpzmODNPWHlJ9ex+U/iIIAoud"
    "d8YSjkfP48HouSvZ8NVGc1IWP9aTRz0lDD7TMSQWN1Fkmb72tNE3aRlBrR+l1vWkEu6Z7G"
    "+dJXV5JH8zC+sM7hcfd4HDHRcjOJ/GxM79eTxkc1Wn6zMmB9BKKJMMqkc4k2RSKUmTMQSS"
    "a3oeQkay15IWMh0ZisNGt0QkR9z/sUiRnDGOIEQEIdKQPUIQIoIQ4XWS6QkRVis6I3Sm3c"
    "ynzkVpNwvf4vfxkgjfYtun2PAjd+DWhL5HMn1K1UiSqGBiCEzMG4A+E/GeCPBM/57oYLxI"
    "CUj8CyXpS5X5dxm5s7PveAOeIv3uF5b0u9DdEpusJzkBc8LCG1jcLTIRn2wgk0QFxEcdrh"
    "nYavC75qN7mwU2rfeVtNgyTtiePOvJfaVTtYnU5uUepwZsJ97kHZSrMlJxYzqC+zbVs67c"
    "cbtO3XTJdk/CjSrcqFxoaMKNKtyovE4ynYdou7PsPSDrqRWR5Vmxeszc226iFy61jx4LaU"
    "XMwUo5MeFPoPMnuDtk9GuW+W9mwIuSIkaMKkbsNx+hFnSMYkS8ICgAp+sNh8BA1oT6L9uE"
    "REusnAcjiH7PUaThaXZ2tzfCMDzv152JMn2RR0H6zg44yChET44jGkfzqdyb44BGGJhwS/"
    "hxMBvMg8DHN9M1vSDycSJP51gDQcKa48Wa3O0jHME39MeYAJe1wBk8LIQISVR0tCF2tNnY"
    "BH3xWDubSEj0smHoZdO40OsO2jHMt/hRqDcjtOMMPqLNJJTGHWziKyaMr80Ws4ky6gdB2T"
    "5S1NBDBD0n54MpvuagE8vBV3BSI5IPorJxXiMud8BLALYB8Ha5ZS5wVpATvACXTTga7wms"
    "4FkOa7AGt38/M1iz1i2ty7/w0p4T5A40fYN5A83FLoGkS8Ppce4x5ZJy7fOhmV4i0v1YJ5"
    "kxBHMb/Ydy9Z7a7eSm2wPtsj3eRqZGygmAibYv61yS+vaukngCuD/znr51yTns06dcRUj0"
    "338KRkowUlxsiYKREowUr5NMxUhpW9tHW+tOI+2clcGAOcnvMRzw53uGeMDowGTOosjLfc"
    "+JFDEWWCc51UmTH4Nrp3FPnn3AWe3uBqe5T4MMd8dYwsVk0JX8nbmEj/LoL+p8Ko9mT8q0"
    "K600+EVF+EIXWRtI5oPy14WCpDYAPSdOqR8ORgrOqLdMyIkLOXha7HRCs8DGixclW0eNX4"
    "SvdYAO0IOp6F1ZkayzcsSLkq1DvP5gBAvzf8hmYjxg02K3OV0v1Yyl7qPVMF0dKyOMAKfF"
    "BMA0ust59EhxlOvRJEm5GFamBFMgAReLCZCKIjTZJmaYJ3lahOSJA9Y+5k74OG1F46Iq8+"
    "0SjYuwtwz9vq97vsOYoUISFUxUkYnaObYOXDfdMJoSYYKkALhRXaIaF9tRQflx2iaKC5bp"
    "7tw+UZnNtAaInwCYpYdr1g5BCzPpCKJrypXsqzVgLRtbE848bb1uL9KEo4ivdLX0eiezh5"
    "n3oZo/TNYUZcGxXzeaF5QCi957yf4K3KQ+WNTYLOmdUiw0doI8gZv8lO42l9qtC2XMk3rb"
    "/xTJdIK65PGcFdSloC55nWQ66lL0nBA9J5p3WKWIL98MqCt2aiAnKbj3I/5r9HeeRMCsBM"
    "K0CJsrR3P2p6CclRRIH0Ha3dmO554AdFZQ4HwE51TnzhPAJkgLxI8gvkEKIrBOADsreDbO"
    "zdHZT4LZxs6ME1DOyAmQq0H2bE87ZSln5MSOcQRlwwfM8ZRpmcvHUnIDL6GbUxRfpO7Qa2"
    "1oBDc9VXhSWlxE0VRG0YSuY2aCOiUkSNRmkdNNc09UcNMp4uNMMm9yGKlhK5eByku9tBR0"
    "KafEP480KRXvT5Pim85gzILOktabzZlsyXq+aO+qZ0cziARy+MVdFXP8im+hZIxfcNAibi"
    "qFCV4AHduy8DRJJgyuaC5uMoWvFMliNlEiT3yQCp42kRCEsCCE+dwMBCEsCGFeJ5mKEA6i"
    "1FV75aG/DrCmsxaFv0fvC0uDC5FJcO1MgkD7OWUXywi28Ohq0y52UBXZHBoFOeHTKLqKRE"
    "Puy4EqOh1duNNRYlEytjnKywknMgHd6IhkzR/Li4kCtsf7R2U8I2e6O5XMYA1bw7Quz8Ib"
    "TOFRDvfVGhDuJQM1a/ulBTdzvFMDK1pyXbglF1klrgFtOTNYO5Eu2AIUICcnWQ0YU9br5O"
    "zco0U3f+ZnwEUPIY0Ww+GtsvQwiYL+yJmuWaUkS/L93TGuBb+mLr6VknORJYSDBxwpwKgr"
    "afgPAoa0duyt9Pnz1oQ4XERHCxM9/efPkr+TPFvyNkCC4JsXCf+Pi64gi3pjW0aRm7nMT4"
    "gueIKnaYjWKHgawdPwOslUHs5wCy7OcHnG3kGifeXmaKrNlRebK7R2zxx/rBxYQbh+DoyH"
    "kuxVDNgDAwMWaCDqzjaZS8/lJL9HqvH9EaALHqTb6NMfgtwSkiYdfVOpQ4eZKZcvki+UU6"
    "GccvHiC+VUKKe8TjKVchr8y6Caxve3TjG9SOXpKFMzQIkI8vEqsrkhOK7d0Xkc/33WlVb2"
    "3l3C58F0iD68mo6FPi1Gg5nyt66EHsAF3/I+Lprpqb/CB3pJ0HtUUt23JObkINKGeK4rtB"
    "EO8zsd296ytErNSQkCn1RNJcBI13aabnoEEuMIuGlBgS8BX1vX/Z2JtJgTICbKXg/lSyWI"
    "1g0x+geangkIW8OfZ+NRyR6cFsrrlqbuSf+VLNNtYBhKBXQYjYxCWYiuzQfS5jRFPEA+ut"
    "bxLTbkEwGB+umom656aGGcS8M70uD6IHexHtcFLTC+0NgO1wFbSm60U7p9Z2QuFOHWNP9Q"
    "RYBbCFcR38tWPeYLYtpYiszSYg6kSB2dlmXrQarumfm8oVdXToZroOZXmtWbOe3IJgg7VF"
    "M0UFtBinLNz8SJPiWfT13guunhhRewlHrJvqTHSBg1t0XQBDOhDXqP08C1pGq4CdEH/O68"
    "k6b2V1fSHCB9ATuvK71paHAgadCQ4v57km7ZLsCxR1tSHFPNowuWSLBEDdl8BUskWCJeJ5"
    "kuSTM5Syrqz5VPNUFcvOW8LACat9xBZormVhUfLJ/8vKx407l+07nvMnBLiqz+NgNndRi9"
    "RWfRgxeShRqWe/PBR6UrhdJL+FHuyUFL0VDRN5Yw7uk9xVdjnd8Boo0oJ2/CtYt/RFYsk6"
    "mWkRE59UVvOLa12SBNSQhARS3W2zAMolzo5dqEbpKw7jOhPcSHtxPZzOFCAawTEQW1wFof"
    "68AjtKlDhqsWoCnsS73y8cwc9ccnDFS9mRGfUm9wgCOyGlaiEadwhnNrUrfXTSac4d+Diy"
    "y9yxamudxBlhMT7jEatwvG7JzsicwAPEPemQ1Gz0OlK7kIbwssYX+8eMSfDdtf4c9IEZrg"
    "z2hCdvjzXxdyvyv95muceMjWlm2zdEtN7hcl5AglJtljzkVAP21A/woYLMkoBTkRyE90K7"
    "I3f0uLfY8lAZi6aYlkiVuG7TeQp3vTzHAARkVE/igPhnKgeyRjLOG411tMBpibi/fDJXyR"
    "0VagjORRD927xXMDIP77l3CqzJTpR3w3whQ4b7zQeCL74rrZF9ySeI3TZCrYES49+FwEbt"
    "9Ru/B78qwn9xWRfNGImPmhuXI0Z4+27C8dgmM+/fVdlWfeCm9U0Rb+RRQtEh544YHn2Tkr"
    "PPDCAx/VvjA9i6lqUSLAcfmcU53ulyjbgtDfkLy5FeG/iYSAmApi010RcqbLAY7vb13hrf"
    "qt/J2/skx3w0bPZYTaELB7hTUMDDM2W2hhTom0D+QHmqX8UL6UHwpL2dLgq0+sbFxRPTol"
    "IzA+jjFOQHi1HQLZVo5xWuZCGLesFCK66wtS6FhATom0bx1fIJdoA6w1I8RpGYHxcYxxcp"
    "tqr9VAWzg47Sh9NyXSIgKiyBzs0AHGwtIn9wswCWA6ps5KzicyZzPznIFbNzGv2zsTuGpQ"
    "VpNhwebFrsd0/dyQVRshlCGy2cDNiAqA8wCbruqANXAAJO0OxwjxjOjFOPEiusmVxrLi6Y"
    "crwF6eUJwTa4O6du2kYt1+A46Kzq1XoPoOYbuusPiKom2YgbxxTWddV5nXhQPSADvN8dgb"
    "eRfkRCnOY6EgB8iKODOHg/QzgzUKZtqAkMISO6Mkp+m6PslkYQkIwSELAzzOpQ7PtkWCjG"
    "zPXJvllRMz399VxYLA1J0iFqR5uyL+XsSCiFgQEQsiYkEqFfmLx4K0jeXdAtclUpDlpmpK"
    "pBUoX9tOTSsjZ+W/EgfiOEIHHeZP465kwrW9hL/K09Fg9NyVkJ4I0fQs4WL6rIzmXcl30N"
    "N6SyiPRuPFqKe8BFc1CG0foRCbLLenizwNPainar5hkp1sdLNIGIZj30NHHg7RZFjWEs7m"
    "iz6amlk3LvntLuGT3FsM53/Hv6Wj4fb4LvnpCd+irdfo00TpDZ4GPXRhB3S8ermaS9/Fbi"
    "BSBml5Gh5BVCTjnZ6Mt3NM2yFmR9O9Tml5no8ndGD82pUs++sSvij9weKlK22BYfrbJfww"
    "eP7QlTbm64aPl8PVN8DwrZO07bys0Ld51rdd7Cw7YZIPYmJ+uZ7fxmU6u7G6x7Cz9qfyE9"
    "IYDUdbIzVy1vug9BdDnK+cbEboaqBUuoGi+SQPgq/XmmnxkswcvFKrPWPt0YyQYFSOlh4N"
    "8aqBTlm4oHmBobRESnZZMRdxTBfa1s2deX4TKox23vnPh1bHN6EyXq8Bfqqn0DjrEDiV/C"
    "13VbSKHd2srlN3U7Siim5HCi8umCZ5QNM3aBhk40vxkKQeU7RixEKa8R3ByoseV5TRFMQN"
    "l7uDIG4EccPrJFMZGtEOy6a+ZoVE6XxCmbv4wGXCNSclyu4ctwwy2sJ5pkHP9h0XjFMDNg"
    "xqWjMht8zIJXgIm0QNGKe01WZtELTYZrdGruroTzQHBM9dsCWibypNiF1wj4jJauK5JFR7"
    "odoL1f77U+3xFqsGHwvTXB6ZlRPjOEzlxPCsiyTWb+2TwM6JCbCpwI6WaFADtyT7++j6zg"
    "pzHMjDE/DRcj0NeKKwAJ5lxaMf9rDizb7cU5Ltg7x+VjdaqyfgXZQUeB/HG6k1SPMpCXgg"
    "A50SaSHClwghJ/cyqUi2PSc6j2t4L7JH46gbJuUvERAAUwGs2z70GCuEHUQEyFQgYytUsx"
    "CEBtNazom1D+wLnHkQ+ggyE+o2yWisrAtUkBX1gdLzUKwPFEX9M7iQUxL1EHGNdyQXaDia"
    "ULJXH30JDDVOPSnOAEtAGX3ncD7XczGMjNDHXmB0NNQu+2IX8RpDMLfRf+qNCuXrlaalJF"
    "MbGQ0feR7H6NivjkZs1B1/dVfJMoY3CZqxeafDnaAZBc0oaMZztVueJpmKZmSlvOrlurhq"
    "oUBnIlbZiASfB5sdfpYBzjO69VecFwUgb1VYwwBoAwJnldTIDcF1Avmj3PugDMfTWVdCWv"
    "YGWLbj4r6ts7mCr2011wP4yuRDvyvtNsYS9geT4fhF7kqGubPsrbaEPWU6x/UY0I7flXTg"
    "RDlVITA3d2UZvhMWN8G11VkKhhcFRdAzIZw8qE+tumALgqXCADBBUiBcijCyNgyT5H85gm"
    "9KTqBLQBdY5qu5Mi3T2yOsTLQSTY3lzC2TF4cv++HLd/ftIvSNb79928rLvEUHtrX0Mmc4"
    "0zqHq2svs1UNiPOKzuQvWpuHlT0SoWNb1vZ8ukdJBmorVGtk6KGvfd3znXNrez8BMIuHai"
    "teEYmC7sIv0pmARbRN+FK2FbFrE6+NAemi+YiZlVXOGB6W3lHeML3kj9c3mW+ApPuOY+o+"
    "0rm60teNqW+kcAhJk6Ixw/IlwJVMGN0RW9PF0ie1jEisirI7sKd6gkcsJuqjCHaTz41FsJ"
    "uC3eR1kqnYzWSLpd820yLCZCc2vEM6AVrexG7Px3xQGVHhhqJ3Q4VqA5sLKiMj1jKpp2uo"
    "dzKhmhUShMFxt15K+z3Tp5eKQmwYxLQevezqOl7c52BOnAltnS4CHl2lmc2Qq8o+s0jjmA"
    "I3RKZgSufuuKuypWP9RXWCmy8Qi/spdrgII1YYsfzvvMKIFUYsr5NMZcRqumaArakHUVbF"
    "ia7Isc8L8hxnd3LYbt3RcMJnULud9bojxAtVZshGEmfnxfK2eCkSY98z5MXq7MjqAloqaD"
    "Ohgeic9MB2h7Gg3xUqRrhQz5DGOQ3KAUcnFjwD7YO4gLoINe/9iWqJ25/Is1lX2mmuG7Ye"
    "wsOa1hJOpuOX8Rw3Ito59tb2cJuivjKXByN8zQAegh1w0p7IAVvN+UKYqfJg25SIiK9lj6"
    "/d+SvLdDcnGVV5WWFW8WxWHUL42Pz/BTmh8ROYleRVYG2uRpAURzjpCA9csIyN6zJCgro6"
    "Tl2BTHjumRRL3bG+PNIshd2xhGohrOUaEG5fDGce3+wrTAFuej+tAeHaOjByiS7h8MlAjJ"
    "5DGi2Gw5tRhdH6JnGEh6VfQQ6mIqUvWqDnUzE1Bf0X3fQpx3Djq4IqFFQhF9uEoAoFVcjr"
    "JNPFu0baAWvdmbycqD+Tc80V689oxtZ0XVz8Avq4Ty4TMUuQFZAzQG4Qa3XjfewY4LFk1T"
    "7WwJOrivxCG1MOyJXm6ZuScIJS/SorJJxeBJ8Mn5EDjfPHZDHVWTvVpETawIBcmmNaWbZt"
    "qK+O7e9YUM6JtQ/pn+nK81dU588jDYMMZM1ibOSRE2sj0hfohOAEVYfYdo60jICZrqsHAu"
    "OVmApGF0yQlucY8s6zMlKm8rArhY9jLeH4sdeV7JW+hDP0Py7+d47+9ZZQ+XXWlcBXF90z"
    "/6BM0V2Bl4yL3Z730I+C/tc5lK1imS+5Nx98VLpSKL2Eg1F8xYTxtYky6g9Gz11pB6CBJg"
    "XN4GKGL+JAENd38WUcHfI8lfsLOQgZeXU0w9fCmJHpeDIJQkYce7fDV+ZTeTR7UqZTfBXN"
    "KXTXwHF4iSW5ZawgZ/tizaGC3JcIa7QFELQgMTXIhm1O6kIhBE22Vjc2MjwtNlQzMgLTYt"
    "iL5jDvAhkZgalI0r4SrqKn1vl4iqT3Sye9k4NauC4UyiXEtJVCi6dZHSs4GahRJxn18k2f"
    "4CXxQiSNViB7DNmcFk+Bbaih1oDsh2SgViKb0eSZY9xSnKznAWhgKFUH6LZjnFmFU07Ga9"
    "FmXJJ3IEoHU5QO3mn7GrB6AmASDtRmrFxRZpkar2gD1CzL1gM4zsQsPC/kZLi24kaqL3Q6"
    "asXKRm3BrBgGLrre8tn1drZHK3A7tPFTF8Pqky/vKgPrg9tUy34VzW+b58bB35eFy6MpVS"
    "3wRrIp6DjTzABXo01PoLj7yuPiGWfAr/xXTJg+jTFZuraX8Fd5OgqIUvSywYAoVabT8bQr"
    "AcexnSXsTQfzQQ+z47i9k6mHnODtKU90trjonS/OXHn6fEqE5+oGdVCdF8mfR3ujbzHFnh"
    "8kOI7/ODVa7+GBZk0/PJQvavxdFuK1D5ljItMyAmYqmNF2rn9R8THOtIHkxNoA9rX3EAeg"
    "P9sl06hVwXtpqQvhfrt0il/eUyzxX96XrnD8Va7gkoltL21LCPutzgjLCF4nDfCquLc4C/"
    "DqnC9nr9RlOV+yXX+7HPsmWfa3Tq2fo70qMOdnlk1MsM/ecFflDfDiW1UX3XuVbHttr9pr"
    "9SsAX/CvoRXmeGqw/YrsepFdz4ca2eZzVWTXn2A7cDTJMSbV2fVoMw/npjDJlOkT6QF4di"
    "91hkpvvpgqXckCAQu4hEP5EX3SVks4X8zH0wH29nkILcfEyTCPU0X+S1daoVf8Cx++v9yJ"
    "mJ2u2VazrPK4/Kxom6JH/3D/x1+SIw9/qDrtZi/ycEisHhsrFwVgf0W49ixb/zIv3fGy4m"
    "U7XkPPuCPbXWZPI+5nhyX9p/yKBtA4HfW0sMC8EvOCgUcTB6Vbmuuqrr4B2Jt9bg91PNgs"
    "Gqu5M3LdhsQLaL4Bx8VZ0gTrLfXtXZXp5sf3mZR9iAWTK0wzYZoJ00yYZrc0zYJ/C/NbVV"
    "ODqAqdaIRxVHXrnqrIw31FkYd7QpEHxnJyooxcCbakmmYGeg1KCjKQ0U2JtIFdvgKVrzNW"
    "3NFFqR2WGjC4KghjuUlyFT4BcEmRHduHXlmNnbItOBERIFOBjFUS3EGK8azLibUP7Ppdsz"
    "uEEBvGsYBA9zi6YKuZJcHKJa7BWKCF6F5Cm/gKVq7JduClRATIVCDjALO4FwNjoVqSqGgh"
    "VORxTFc91FbLOatt2wIaLPE3puVywK6QYD3+r4KRF1+4rifkcTweZpwgj4N8BOvi5VFB2k"
    "auXFhJsBgNl3Co1XAmj8BU2YKz1X4bDsEN/PRF9iCKyKvgDdAdgjAQhIEgDHj2JQvCQBAG"
    "qUj4c2K5MgPwnNYp918Go66EW2BAXKNYfnrCZYq19Rp/WvSVUVC2OGgAgzsl9xbD+d/xw+"
    "ho+P0STuRpcMuhGtR3Z+Nyduxd3voKFjcrp5YRah3O9VM/Gy0wUXGH8q+2w5TrRhDlOZyU"
    "p6W9Nh3XY17bWakWYn0Rl/rWNAwLMIOdE2ufx+wiYFvaCes6IySWNR3SWIPHAeIr00E/Qj"
    "QSygLLc4JndiHjbJFXIE1oQvaKuyuUtM07rn4fpDneHjov8lDpSlvNAkizVsJPaxB+5q83"
    "yI15OY6UvUtYLMBBeOh77NH0sH+QyXohCHO87nnarEWAlQiwavoaFgFWIsCq+SCLAKurKX"
    "KOvTaRBb0zkxK+1GgXRduH+APV8n6oWN4PxeUtwikuH06Rw/sNOCb6FYLr9BjiacmLYV5c"
    "4cmVxqIeOIws+9UklB+sZkezkoId5ZkdjeMXVnu2amEFORF3R2i8FYUJsIJbkBPgHq3Idl"
    "iQRaBvV5eNi0C6u1xhtsK7S9Ft57AkBbzH6t7l394zmu5sNedLEGeU7pVzepgoU8+dhsCf"
    "9QH6huklxfnPAAqPE/UCaCFMSPP9opqu659bvwRp318GeJwG8odUSPk7y9YM9Aqi8fw6Ar"
    "WjYdqKl4CJCibcXR4tquCfM6F6xmO0dJ9ycbdFaHvIgq+lddMoNVRLIdv5cUbUbdo2NRGz"
    "XE+fM9BK9xBqIVCx5ZDkwJwOVbtsAKKtJFCqRCkIIq5vb8dQMe7vjVEdmDLh0hERWxOqQQ"
    "ZAObZxMzoKowgPN4tHa+GSjDIh6sDq6TBUC4Eq6xfOjlONba35gynKtakDp9lhqJYAdULC"
    "bmZ7L0nezR8B1Ym8xQPoaFZvR5YcoJs7E03H/7iSbu/2kr2WNCk9lPSDtwGmI5lwZX+THP"
    "vrj+86ObjOGYeQP/wp6UmSlg+bQmQaSKTacpiuirM7RecIkW3MyW4hso1FtjGvk0zFp8db"
    "avHIPxKnEkuJGBWGGBUM2gkvVEpMvE08v01pVYYthIIgeanuHs1TTW7ZJpA7jaNNjQJ5A5"
    "c6ZKKkVWBPnvXkvtIp3RRqgLZ+nyGPzRgJ+yEZ6fKolEuW45KBY+qbDsGmj765q7LktcM9"
    "oiZXkzbOuworOWjOwtb7PCXSwgz3i+Tz4ZeKAeHo9haie6FsM+gRHcB/no1HZdlmiUjeNj"
    "F1T/qvZJluE/WsCnAxGBmLpNBaPt9F/i5rauABHtlqcNZ/mP3+//K41m4="
)
