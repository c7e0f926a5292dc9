"""Scripts of customers as they really write (issue 11): short answers read against the
question asked. None of these may get «Не совсем поняла вас»."""

from __future__ import annotations

from tests.dialogue.scripts import (
    TO_ADDRESS,
    TO_CONFIRM,
    TO_EXTRAS,
    S,
    Script,
    T,
    script,
)

HUH = "Не совсем поняла"
GREET = T("привет", S.tariff, "segment")
CCTV_ASKED = TO_EXTRAS  # the cameras question is pending
IP_ASKED = [*TO_EXTRAS, T("без камер", S.extras, "static_ip")]

UNDERSTANDING_SCRIPTS: list[Script] = [
    # -- home or office, in a few words --------------------------------------------------------
    *[script(f"segment: «{say}»", GREET,
             T(say, S.tariff, "tariff", has=tariffs, lacks=HUH))
      for say, tariffs in [("к себе домой", "Тарифы для дома"), ("в офис нам", "Тарифы для офиса"),
                           ("для работы", "Тарифы для офиса"), ("квартира", "Тарифы для дома")]],
    # -- the camera options, in words ----------------------------------------------------------
    *[script(f"cameras: «{say}»", CCTV_ASKED,
             T(say, S.extras, "static_ip", has=has, lacks=HUH))
      for say, has in [("парочку", "2 камеры"), ("одной хватит", "1 камера"),
                       ("четыре штуки", "4 камеры")]],
    # -- yes and no as people type them --------------------------------------------------------
    *[script(f"yes to a yes/no question: «{say}»", IP_ASKED,
             T(say, S.address, "address", has="Постоянный IP — 300 ₽/мес", lacks=HUH))
      for say in ("ага", "+", "конечно", "да давайте", "подтверждаю")],
    *[script(f"no to a yes/no question: «{say}»", IP_ASKED,
             T(say, S.address, "address", lacks=(HUH, "Постоянный IP —")))
      for say in ("не-а", "нет спасибо", "-", "обойдусь")],
    *[script(f"yes to the summary: «{say}»", TO_CONFIRM,
             T(say, S.done, "referrer", has="Заявка принята", lead=True))
      for say in ("ага", "+", "да давайте", "подтверждаю")],
    *[script(f"no to the summary: «{say}»", TO_CONFIRM,
             T(say, S.confirm, "change", has="Что нужно изменить", lead=False))
      for say in ("не-а", "-")],
    # -- buttons are read by their meaning -----------------------------------------------------
    script("outside coverage, a technical check in words", TO_ADDRESS,
           T("проспект Ленина 500", S.address, "tech_check"),
           T("давайте проверку", S.contacts, "consent", has="техническую проверку", lacks=HUH)),
]
