"""Cross-site scripting payloads for the chat message sanitiser.

``XSS_PAYLOADS`` is a list of ``(family, payload)`` pairs. It is used by the unit
tests of ``rooms.sanitize`` and is meant to be reused by a real-browser test that
sends every payload through the chat page. Wherever the payload's shape allows
it, a payload that managed to execute would set ``window.__xss = 1`` (or
``top.__xss = 1`` from inside a frame) so that a browser test can simply check
that global afterwards; where that is impossible (opaque-origin frames,
VBScript, ...) it calls ``alert(1)`` so that a dialog handler can catch it.

Invisible and look-alike characters are written as ``\\u`` escapes so that the
source stays readable and reviewable.

The payloads were written for this project; none of them contain a ``javascript:``
substring inside an http(s) URL, because the unit tests assert that no rendered
``href`` contains ``javascript:`` at all.
"""

from __future__ import annotations

FAMILIES: tuple[str, ...] = (
    "script",
    "event_handler",
    "javascript_url",
    "svg_mathml",
    "css",
    "broken_tags",
    "markdown_links",
    "attribute_breakout",
    "iframe_object",
    "template_injection",
    "unicode_tricks",
)

# base64 of "window.__xss=1"
_B64_SET_FLAG = "d2luZG93Ll9feHNzPTE="
# base64 of "<script>alert(1)</script>"
_B64_SCRIPT_ALERT = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="

_SCRIPT = [
    "<script>window.__xss=1</script>",
    "<SCRIPT>window.__xss=1</SCRIPT>",
    "<ScRiPt>window.__xss=1</sCrIpT>",
    '<script type="text/javascript">window.__xss=1;</script>',
    '<script type="module">window.__xss=1</script>',
    '<script src="data:text/javascript,window.__xss=1"></script>',
    "<script/x>window.__xss=1</script>",
    "<script\n>window.__xss=1</script\n>",
    f"<script>eval(atob('{_B64_SET_FLAG}'))</script>",
    "</script><script>window.__xss=1</script>",
    "<<script>window.__xss=1//<</script>",
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "&#60;script&#62;window.__xss=1&#60;/script&#62;",
    "%3Cscript%3Ewindow.__xss=1%3C/script%3E",
    "\\x3cscript\\x3ewindow.__xss=1\\x3c/script\\x3e",
    "\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e",
]

_EVENT_HANDLER = [
    "<img src=x onerror=window.__xss=1>",
    '<img src="x" onerror="window.__xss=1">',
    "<IMG SRC=x OnErRoR=window.__xss=1>",
    "<img/src=x/onerror=window.__xss=1>",
    "<img src=x onerror=&#119;indow.__xss=1>",
    "<img src=x onerror=window['__xss']=1>",
    "<body onload=window.__xss=1>",
    "<input autofocus onfocus=window.__xss=1>",
    "<select autofocus onfocus=window.__xss=1></select>",
    "<textarea autofocus onfocus=window.__xss=1></textarea>",
    "<div contenteditable autofocus onfocus=window.__xss=1>x</div>",
    "<details open ontoggle=window.__xss=1>",
    '<div onmouseover="window.__xss=1">hover me</div>',
    '<video><source onerror="window.__xss=1"></video>',
    "<audio src=x onerror=window.__xss=1>",
    "<marquee onstart=window.__xss=1>x</marquee>",
    "<button onclick=window.__xss=1>click me</button>",
    "<form><button formaction=x onfocus=window.__xss=1 autofocus>x</button></form>",
]

_JAVASCRIPT_URL = [
    "javascript:window.__xss=1",
    '<a href="javascript:window.__xss=1">click</a>',
    '<a href="JaVaScRiPt:window.__xss=1">click</a>',
    '<a href="&#106;avascript:window.__xss=1">click</a>',
    '<a href="&#x6A;avascript:window.__xss=1">click</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    '&#0000105&#0000112&#0000116&#0000058window.__xss=1">click</a>',
    '<a href="java\tscript:window.__xss=1">click</a>',
    '<a href="java\nscript:window.__xss=1">click</a>',
    '<a href="java\rscript:window.__xss=1">click</a>',
    '<a href="java&#x09;script:window.__xss=1">click</a>',
    '<a href="javascript&colon;window.__xss=1">click</a>',
    '<a href="   javascript:window.__xss=1">click</a>',
    '<a href=" \x01\x02javascript:window.__xss=1">click</a>',
    '<a href="javascript:void(0)" onclick="window.__xss=1">click</a>',
    '<a href="vbscript:MsgBox(1)">click</a>',
    "vbscript:alert(1)",
    '<a href="data:text/html,<script>alert(1)</script>">click</a>',
    f'<a href="data:text/html;base64,{_B64_SCRIPT_ALERT}">click</a>',
    f"data:text/html;base64,{_B64_SCRIPT_ALERT}",
    '<form action="javascript:window.__xss=1"><button>go</button></form>',
    "http://javascript:window.__xss=1",
    "javascript://%0Awindow.__xss=1",
    "file:///etc/passwd",
]

_SVG_MATHML = [
    "<svg onload=window.__xss=1>",
    "<svg/onload=window.__xss=1//",
    "<svg><script>window.__xss=1</script></svg>",
    "<svg><animate onbegin=window.__xss=1 attributeName=x dur=1s>",
    "<svg><set onbegin=window.__xss=1 attributeName=x to=1>",
    "<svg><a><animate attributeName=href values=javascript:window.__xss=1 />"
    "<text x=20 y=20>click</text></a></svg>",
    "<svg><image href=x onerror=window.__xss=1></svg>",
    "<svg><foreignObject><img src=x onerror=window.__xss=1></foreignObject></svg>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<image href='x' onerror='alert(1)'/></svg>#x\"/></svg>",
    '<math href="javascript:window.__xss=1">click</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:window.__xss=1">'
    "click</maction></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
]

_CSS = [
    '<div style="width: expression(window.__xss=1)">x</div>',
    '<div style="background:url(javascript:window.__xss=1)">x</div>',
    '<div style="x:\\65xpression(window.__xss=1)">x</div>',
    "<style>*{x:expression(window.__xss=1)}</style>",
    "<style>@import 'javascript:window.__xss=1';</style>",
    '<style>@import "http://evil.example/xss.css";</style>',
    '<style>body{background-image:url("javascript:window.__xss=1")}</style>',
    "<style onload=window.__xss=1></style>",
    '<link rel="stylesheet" href="javascript:window.__xss=1">',
    '<p style="-moz-binding:url(http://evil.example/xss.xml#xss)">x</p>',
    '<div style="behavior: url(xss.htc)">x</div>',
    "<style>@keyframes x{}</style><p style=animation-name:x onanimationstart=window.__xss=1>",
]

_BROKEN_TAGS = [
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "<img src=x onerror=window.__xss=1//",
    "<img src=x onerror=window.__xss=1 ",
    "<script>window.__xss=1",
    "<scr\x00ipt>window.__xss=1</scr\x00ipt>",
    "<img src=x o\x00nerror=window.__xss=1>",
    "<!--><script>window.__xss=1</script>-->",
    "<!-- --!><script>window.__xss=1</script>",
    "<![CDATA[<script>window.__xss=1</script>]]>",
    '<?xml version="1.0"?><script>window.__xss=1</script>',
    '<img """><script>window.__xss=1</script>">',
    "<<img src=x onerror=window.__xss=1>>",
    "<img src=`x` onerror=window.__xss=1>",
    "</title><script>window.__xss=1</script>",
    "</textarea><script>window.__xss=1</script>",
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    '<x y="</x><img src=x onerror=window.__xss=1>">',
    "<a\x0bhref=javascript:window.__xss=1>click</a>",
]

_MARKDOWN_LINKS = [
    "[click](javascript:window.__xss=1)",
    "[click](javascript:alert(1))",
    "![x](javascript:window.__xss=1)",
    "<javascript:window.__xss=1>",
    f"[x](data:text/html;base64,{_B64_SCRIPT_ALERT})",
    "[x]( javascript:window.__xss=1 )",
    "[x](JaVaScRiPt:window.__xss=1)",
    "[x]: javascript:window.__xss=1",
    '[x](https://example.com "onmouseover=window.__xss=1")',
    '[x](https://example.com/"onmouseover="window.__xss=1)',
    "![x](https://example.com/a.png)<img src=x onerror=window.__xss=1>",
    "<https://example.com/><script>window.__xss=1</script>",
]

_ATTRIBUTE_BREAKOUT = [
    '"><script>window.__xss=1</script>',
    "'><script>window.__xss=1</script>",
    "' onmouseover='window.__xss=1",
    '" onmouseover="window.__xss=1',
    '" autofocus onfocus="window.__xss=1',
    "'><img src=x onerror=window.__xss=1>",
    "`onmouseover=window.__xss=1 `",
    "</a><script>window.__xss=1</script>",
    'https://example.com/"onmouseover="window.__xss=1"',
    "https://example.com/'onmouseover='window.__xss=1'",
    'https://example.com/" autofocus onfocus="window.__xss=1',
    "https://example.com/?q=<script>window.__xss=1</script>",
    "https://example.com/&quot;onmouseover=&quot;window.__xss=1",
    'https://example.com/?a=1&b=2"><img src=x onerror=window.__xss=1>',
]

_IFRAME_OBJECT = [
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<iframe srcdoc="<script>top.__xss=1</script>"></iframe>',
    '<iframe srcdoc="&lt;img src=x onerror=top.__xss=1&gt;"></iframe>',
    "<iframe src=https://example.com/ onload=window.__xss=1></iframe>",
    '<object data="javascript:window.__xss=1"></object>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="javascript:window.__xss=1">',
    f'<embed src="data:text/html;base64,{_B64_SCRIPT_ALERT}">',
    "<frameset onload=window.__xss=1>",
    '<base href="javascript:window.__xss=1//">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
]

_TEMPLATE_INJECTION = [
    "{{constructor.constructor('window.__xss=1')()}}",
    "{{constructor.constructor('alert(1)')()}}",
    "{{$on.constructor('window.__xss=1')()}}",
    "{{_c.constructor('window.__xss=1')()}}",
    "${window.__xss=1}",
    "${alert(1)}",
    "`${window.__xss=1}`",
    "<%= window.__xss=1 %>",
    "#{window.__xss=1}",
    "{% autoescape off %}<script>window.__xss=1</script>{% endautoescape %}",
    "<div v-html=\"'<img src=x onerror=window.__xss=1>'\"></div>",
    "<div ng-app>{{constructor.constructor('window.__xss=1')()}}</div>",
]

_UNICODE_TRICKS = [
    "\u202e>tpircs/<1=ssx__.wodniw>tpircs<",
    "<script>\u202ewindow.__xss=1</script>",
    "java\u200bscript:window.__xss=1",
    "[x](java\u200dscript:window.__xss=1)",
    '<a href="java\u200cscript:window.__xss=1">click</a>',
    "java\u180escript:window.__xss=1",
    "<scr\u200dipt>window.__xss=1</scr\u2060ipt>",
    "\ufeff<script>window.__xss=1</script>",
    "\uff1cscript\uff1ewindow.__xss=1\uff1c/script\uff1e",
    "\uff1cimg src=x onerror=window.__xss=1\uff1e",
    "\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54\uff1awindow.__xss=1",
    "\u2028<script>window.__xss=1</script>\u2029",
    "<img src=x onerror=window.__xss\u2066=1>",
    "<\u017fcript>window.__xss=1</\u017fcript>",
    "http\u017f://example.com/",
    "https://exa\u202emple.com/",
    "%C0%BCscript%C0%BEwindow.__xss=1%C0%BC/script%C0%BE",
    "\u0085<script>window.__xss=1</script>\u009c",
]

XSS_PAYLOADS: list[tuple[str, str]] = [
    *(("script", p) for p in _SCRIPT),
    *(("event_handler", p) for p in _EVENT_HANDLER),
    *(("javascript_url", p) for p in _JAVASCRIPT_URL),
    *(("svg_mathml", p) for p in _SVG_MATHML),
    *(("css", p) for p in _CSS),
    *(("broken_tags", p) for p in _BROKEN_TAGS),
    *(("markdown_links", p) for p in _MARKDOWN_LINKS),
    *(("attribute_breakout", p) for p in _ATTRIBUTE_BREAKOUT),
    *(("iframe_object", p) for p in _IFRAME_OBJECT),
    *(("template_injection", p) for p in _TEMPLATE_INJECTION),
    *(("unicode_tricks", p) for p in _UNICODE_TRICKS),
]
