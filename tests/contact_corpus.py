"""Contact details disguised to get past redaction, and ordinary messages that
must pass untouched (helpline numbers included). Written for Kindred's tests;
each bypass must be redacted (its secret part gone), each legitimate message
stored exactly as sent.

Each bypass is (message, secret): the secret is a piece of the contact detail
that must not survive in the stored text (for a phone number, its last four
digits, which must not survive even spelled out)."""

from __future__ import annotations

SHY = "\u00ad"  # soft hyphen
ZWSP = "\u200b"  # zero-width space
ZWJ = "\u200d"
TAG = "\U000e0041"  # a tag character
FW_AT = "\uff20"  # full-width @
SMALL_AT = "\ufe6b"


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _emails() -> list[tuple[str, str]]:
    people = [("otter.lane", "gmail", "com"), ("sam_b", "proton", "me"), ("jo.k", "yahoo", "co.uk")]
    out: list[tuple[str, str]] = []
    for local, host, tld in people:
        spelled_tld = " dot ".join(tld.split("."))
        secret = local.split(".")[0].split("_")[0]
        forms = [
            f"{local}@{host}.{tld}",
            f"{local}{FW_AT}{host}.{tld}",
            f"{local}{SMALL_AT}{host}.{tld}",
            f"{local} @ {host} . {tld}",
            f"{local}@{host}{SHY}.{tld}",
            f"{local}{ZWSP}@{ZWSP}{host}.{tld}",
            f"{local.replace('.', ' dot ')} at {host} dot {spelled_tld}",
            f"{local.replace('.', ' dot ')} at {host}",
            f"{local} (at) {host} (dot) {spelled_tld}",
            f"{local} [at] {host} [dot] {spelled_tld}",
            f"{local}{{at}}{host}{{dot}}{spelled_tld}",
            "".join(f"{c}{ZWJ}" for c in f"{local}@{host}.{tld}"),
            f"{local.upper()} AT {host.upper()} DOT {spelled_tld.upper()}",
            "".join(
                chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in f"{local}@{host}.{tld}"
            ),
        ]
        for form in forms:
            out.append((f"email me: {form}", secret))
            out.append((f"{form} is where to find me", secret))
    return out


def _phones() -> list[tuple[str, str]]:
    numbers = ["07700 900123", "555 867 5309", "+44 7700 900456"]
    out: list[tuple[str, str]] = []
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    for number in numbers:
        digits = "".join(c for c in number if c.isdigit())
        secret = digits[-4:]
        spelled = " ".join(words[int(d)] for d in digits)
        forms = [
            number,
            " ".join(digits),
            "-".join(digits),
            " - ".join([digits[:4], digits[4:7], digits[7:]]),
            ".".join(digits),
            SHY.join(digits),
            ZWSP.join(digits),
            TAG.join(digits),
            _full_width(digits),
            spelled,
            spelled.replace(" ", "-"),
            " ".join(words[int(d)] if i % 2 else d for i, d in enumerate(digits)),
            f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
        ]
        for form in forms:
            out.append((f"call me on {form}", secret))
            out.append((f"text {form} anytime x", secret))
    return out


def _socials() -> list[tuple[str, str]]:
    handles = ["otter_22", "quiet.fox7", "lanejo"]
    templates = [
        "snap me {h}",
        "snap me at {h}",
        "add me on discord {h}",
        "add me on discord {h}#1234",
        "add me on snap {h}",
        "hit me up on insta: {h}",
        "find me on telegram {h}",
        "dm me on ig {h}",
        "my insta is {h}",
        "my ig: {h}",
        "my snap name is {h}",
        "my discord is {h}",
        "ig {h}",
        "insta - {h}",
        "snapchat: {h}",
        "kik me {h}",
        "follow me @{h}",
        "whatsapp me at {h}",
    ]
    return [
        (t.format(h=h), h.split(".")[0].split("_")[0])
        for h in handles
        for t in templates
        # "ig lanejo" is ordinary talk as often as not; "ig otter_22" is a handle.
        if not (t == "ig {h}" and h.isalpha())
    ]


BYPASSES: list[tuple[str, str]] = _emails() + _phones() + _socials()

HELPLINES = [
    "You can call or text 988 any time, day or night",
    "SAMHSA's helpline is 1-800-662-4357, free and confidential",
    "text HOME to 741741 if you can't talk",
    "in the UK Samaritans are on 116 123",
    "Lifeline in Australia: 13 11 14",
    "call 999 if you are in danger right now",
    "112 works across Europe",
    "dial 911 please, or 000 if you're in Australia",
    "the domestic violence hotline is 1-800-799-7233",
    "I called 1 800 662 4357 last night and it helped",
    "988 picked up in under a minute",
    "Samaritans 116123, they listen",
]

_PLAIN = [
    "One day at a time.",
    "Day {n} today and I'm proud of it",
    "I've been sober for {n} days",
    "{n} days clean, thank you all",
    "My meeting is at {h}:30 tomorrow",
    "The group starts at {h}pm",
    "Step {s} is the hardest for me",
    "I read chapter {s} of the big book",
    "I met my sponsor at the park",
    "I'm at home, feeling a bit low",
    "Snap out of it, I tell myself, but it's not that easy",
    "oh snap, I forgot my meeting",
    "I deleted insta because it made me compare myself",
    "I'm on discord too much these days",
    "ig that's fair",
    "Add me to your prayers tonight",
    "Follow the steps and keep coming back",
    "My birthday was on 12/05/2024 and I stayed sober",
    "I spent $1,250 on drinks last year, never again",
    "It's been {n} hours since my last drink",
    "I have {n} coins from my meetings",
    "Meet you at the coffee place at {h}",
    "I woke up at {h} and felt okay",
    "My email inbox is a mess but I'm okay",
    "Does anyone have tips for cravings at night?",
    "Thank you @everyone for being here",
    "I'm so grateful for this room",
    "I told my doctor about my drinking, finally",
    "Week {s} without using!",
    "I was at rock bottom in 2019",
    "The clinic opens at 9 and closes at 5",
    "I scored 7 out of 10 on my mood today",
    "Signal boost for the newcomers: you are welcome here",
    "Tiktok makes my anxiety worse honestly",
    "my snap streaks don't matter anymore",
    "my discord server for knitting keeps me busy",
    "Read page {n} of the daily reflections",
    "I ran 5 km today, first time in years",
    "It took me 3 tries to get to 30 days",
    "I'm 45 and starting over",
]

#: Ordinary talk that brushes against the patterns: "at", "dot", numbers,
#: platform names, "@" mentions of the room.
_TRICKY = [
    "I was at my lowest at 3am last night",
    "look at the dot on the map, that's where the clinic is",
    "I'm mad at myself dot dot dot",
    "at least I didn't drink",
    "I'll be at the meeting at 7",
    "The website is on the resources page",
    "I deleted snapchat and instagram this week",
    "discord was where I used to buy, so I left",
    "Telegram groups were bad for me",
    "My kid showed me tiktok dances, made me laugh",
    "facebook memories hit hard today",
    "Twitter is too angry for me right now",
    "I got a text from my old dealer and ignored it",
    "I called my mum for the first time in 2 years",
    "My phone number changed so old contacts can't reach me",
    "Please don't share your number here, stay safe",
    "Emailing my counsellor was a big step",
    "I have 2 kids, 3 dogs and 1 very patient partner",
    "It's 10:45 and I can't sleep",
    "The bus number 42 goes to the clinic",
    "I live in zone 2 of the city",
    "My room number at rehab was 214",
    "I paid 20 for the taxi to my meeting",
    "My blood pressure was 120 over 80",
    "I'm down from 30 cigarettes to 5",
    "1 2 3 breathe, it helps me",
    "Counting one two three four, then breathe out",
    "Seven days, then seven more",
    "Five years ago today I nearly died",
    "oh no, oh well, tomorrow is another day",
    "I'm at 60 days!!",
    "60 days at 6pm today",
    "Room 101 jokes aside, the group helps",
    "Version 2.0 of me is loading",
    "I scored 9.5 on the anxiety scale, way down from 18",
    "Meet at the dot of noon, my sponsor says",
    "I went to AA at St. Mary's church",
    "my IG days are over, too much comparing",
    "instagram is a highlight reel, not real life",
    "snapchat streaks used to run my life",
    "I block people who send me pills on discord",
    "We are all in this together @here",
    "@everyone thank you for listening",
    "Sending love to the 3am crew",
    "I'm 35, 12 years in recovery",
    "my dad said 'one day at a time' and I hated it, now I get it",
    "The 12 steps are not for everyone and that's okay",
    "NA meetings at 19:00 on Tuesdays",
    "I spent 2 hours at the gym",
    "Temperature's 21 degrees and I went for a walk",
    "I drank 8 glasses of water today",
    "I have a court date on 03-04-2025, nervous",
    "I was born in 1988 and it's weird 988 is the crisis line",
    "Call 988 if it gets too much, it helped me",
    "Press 1 for veterans when you call 988",
    "Text 988 if talking is too hard",
    "Samaritans (116 123) were kind to me",
    "My therapist's office is at the hospital",
    "I'm at peace today",
    "Look at how far we've come",
    "What's app-propriate to share here?",
    "Is this app safe to talk in?",
    "Add me to the list of people who relapsed and came back",
    "Follow your gut, it knows",
    "Find me in the late night room later",
    "Message me in a chat here if you want to talk",
    "hit me with your best advice",
    "My snap judgement was wrong about the group",
    "I used to insta-order wine, not anymore",
    "I'm 2 weeks in, 14 days exactly",
    "My mood is 4 out of 5 today",
]


def _legit() -> list[str]:
    out = list(HELPLINES) + _TRICKY
    for template in _PLAIN:
        for n, h, s in ((7, 8, 1), (90, 10, 4), (365, 6, 12), (1000, 11, 9)):
            text = template.format(n=n, h=h, s=s)
            if text not in out:
                out.append(text)
    return out


LEGITIMATE: list[str] = _legit()
