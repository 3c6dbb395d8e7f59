# ruff: noqa: E501  (the course is prose: one sentence per line reads and translates best)
"""The peer supporter course: short modules as pages, each ending with scenario questions.

Written for people in recovery who want to help others, not for professionals:
plain words, no method detail, always a way to reach a human. A module is passed
when its questions are answered well enough (``LEADERSHIP_COURSE_PASS_RATIO``);
every answer is explained either way, so the course teaches rather than tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    choices: tuple[tuple[str, str], ...]
    answer: str
    why: str


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    questions: tuple[Question, ...]


def _q(key, prompt, choices, answer, why) -> Question:
    """A question; its choices are lettered a, b, c… in the order given."""
    return Question(key, prompt, tuple(zip("abcdef", choices, strict=False)), answer, why)


MODULES: tuple[Module, ...] = (
    Module(
        "what-peer-support-is",
        _("What peer support is, and isn't"),
        (
            _(
                "A peer supporter is someone with lived experience who offers company, "
                "hope and a listening ear. You are not a therapist, a sponsor, a doctor or "
                "a crisis counsellor, and nobody expects you to be."
            ),
            _(
                "What you bring is that you have been somewhere like where they are. You "
                "can share what helped you, briefly and only when it serves them, and "
                "always as your experience, not as advice."
            ),
        ),
        (
            _q(
                "role",
                _("A member asks you which medication would help them sleep. You…"),
                [
                    _("Suggest what worked for you."),
                    _(
                        "Say that's one for a doctor or pharmacist, and ask how the nights have been."
                    ),
                    _("Tell them not to take anything."),
                ],
                "b",
                _(
                    "Medical questions belong with professionals; the person still deserves your interest in them."
                ),
            ),
            _q(
                "share",
                _("When is it right to share your own story?"),
                [
                    _("Whenever it's similar, so they know you understand."),
                    _("Briefly, when it gives them hope or a next step, then back to them."),
                    _("Never."),
                ],
                "b",
                _(
                    "Your story is a tool for their recovery: short, hopeful, and then the focus returns to them."
                ),
            ),
        ),
    ),
    Module(
        "listening",
        _("Listening without fixing"),
        (
            _(
                "Most people in a hard moment need to be heard before anything else. "
                'Reflect back what you hear ("It sounds like tonight has been really '
                'lonely"), ask open questions, and let silences be.'
            ),
            _(
                "Resist the urge to solve. Ask what they have tried, what has helped "
                "before, and what they would like from this chat."
            ),
        ),
        (
            _q(
                "reflect",
                _(
                    'A member writes: "Everyone is sick of me, I relapsed again." A good first reply is…'
                ),
                [
                    _('"Don\'t say that, relapse is part of recovery!"'),
                    _(
                        "\"That sounds heavy, feeling like a burden after a slip. I'm glad you're here. What happened?\""
                    ),
                    _('"Have you tried going to more meetings?"'),
                ],
                "b",
                _(
                    "Reflecting the feeling and welcoming them back comes before reassurance or suggestions."
                ),
            ),
        ),
    ),
    Module(
        "boundaries",
        _("Boundaries and looking after yourself"),
        (
            _(
                "You can only keep helping if you look after yourself. Kindred caps how "
                "many chats you hold at once and how long a shift lasts, and you can "
                "step away from any chat: it goes back to the line with your note, so "
                "nobody is dropped."
            ),
            _(
                "Never share contact details or move a chat off Kindred. After a hard "
                "chat, take the debrief, talk to your mentor, and rest."
            ),
        ),
        (
            _q(
                "step-away",
                _("An hour into a chat you feel overwhelmed. You…"),
                [
                    _("Keep going: leaving would let them down."),
                    _(
                        'Press "Step away", leave a short note for the next supporter, and take a break.'
                    ),
                    _("Close the tab without a word."),
                ],
                "b",
                _(
                    "Stepping away with a note hands the member to someone fresh, which is good care for both of you."
                ),
            ),
            _q(
                "contact",
                _("A member you helped asks for your phone number to keep in touch. You…"),
                [
                    _("Give it: they trust you."),
                    _(
                        "Thank them warmly and explain you're here on Kindred, where others can help too."
                    ),
                ],
                "b",
                _(
                    "Staying on Kindred protects your anonymity and theirs, and keeps help from hanging on one person."
                ),
            ),
        ),
    ),
    Module(
        "safe-messaging",
        _("Talking safely about suicide"),
        (
            _(
                "Asking someone directly whether they are thinking about suicide does not "
                "put the idea in their head; it often brings relief. Ask plainly and "
                "calmly, and listen."
            ),
            _(
                "Never discuss methods or details, never describe suicide as a solution "
                "or as inevitable, and never promise to keep it secret. Talk about "
                "reasons to stay, people who can help, and the next few hours."
            ),
        ),
        (
            _q(
                "ask",
                _("You're worried a member is thinking about ending their life. You…"),
                [
                    _("Avoid the subject so you don't make it worse."),
                    _("Ask them directly and gently whether they're thinking about suicide."),
                ],
                "b",
                _(
                    "A direct, caring question opens the door; avoiding it can leave them more alone."
                ),
            ),
            _q(
                "secret",
                _("They ask you to promise not to tell anyone. You…"),
                [
                    _("Promise, so they keep talking."),
                    _(
                        "Say you care too much to promise that, and that you'll help them reach people who can help."
                    ),
                ],
                "b",
                _(
                    "Kindred can't keep that promise and neither can you: be honest and caring instead."
                ),
            ),
        ),
    ),
    Module(
        "crisis-handoff",
        _("Recognising a crisis and handing off"),
        (
            _(
                "If someone may be in danger now, your job is to make sure trained help "
                "is in front of them and a human stays with them. Kindred shows them "
                "crisis lines privately when it notices crisis language; you can point "
                "to the same card, and to the drop-in line."
            ),
            _(
                "Tell a facilitator at once (they are alerted too, and can reach out). "
                "If someone is in immediate danger, urge them to call their local "
                "emergency number. You are never alone with a crisis."
            ),
        ),
        (
            _q(
                "danger",
                _("A member says they have taken too many pills. You…"),
                [
                    _("Keep chatting calmly to see how it goes."),
                    _(
                        "Urge them to call their emergency number now, show the crisis lines, and alert a facilitator."
                    ),
                ],
                "b",
                _(
                    "Immediate danger needs emergency services: say so clearly and get a facilitator involved."
                ),
            ),
        ),
    ),
    Module(
        "privacy",
        _("Privacy and anonymity"),
        (
            _(
                "Members are known only by their handle. Never ask for a real name, "
                "a place or a phone number, and never repeat what someone told you in a "
                "chat anywhere else. The same protects you: your handle is all members see."
            ),
        ),
        (
            _q(
                "repeat",
                _("In the supporters' room, you want advice about a hard chat. You…"),
                [
                    _("Share the member's handle and their exact words."),
                    _("Describe the situation without the handle or identifying details."),
                ],
                "b",
                _("You can get support without exposing the member: leave out who they are."),
            ),
        ),
    ),
    Module(
        "community-rules",
        _("The community rules"),
        (
            _(
                "Kindred is a kind, non-judgemental space: no harassment, no contact "
                "details, no selling, no shaming anyone for a slip. Supporters model the "
                "rules; facilitators enforce them."
            ),
            _(
                "If you see something that breaks the rules, report it: a facilitator "
                "decides. Supporters don't warn, mute or ban."
            ),
        ),
        (
            _q(
                "report",
                _('Someone keeps posting a phone number offering "pills". You…'),
                [
                    _("Argue with them in the room."),
                    _("Report the message so a facilitator can act."),
                ],
                "b",
                _("Reporting gets the right person involved without feeding the problem."),
            ),
        ),
    ),
)

BY_SLUG = {module.slug: module for module in MODULES}


def module_passed(module: Module, answers: dict[str, str], ratio: float) -> bool:
    right = sum(1 for q in module.questions if answers.get(q.key) == q.answer)
    return right >= ratio * len(module.questions)
