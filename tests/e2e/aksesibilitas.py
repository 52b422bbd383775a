"""axe-core in every browser page of the tests: WCAG 2.2 AA, no serious or critical violation.

axe (node_modules/axe-core, installed by ``npm ci`` from package.json at the root) is added to
every document of the context as an init script, which the page's CSP does not apply to. The
page checks itself: once loaded, and again after each htmx swap (an autosave error, say), and
hands each result to Python through a binding. Nothing is lost to a fast test: the context
routes the main frame's navigations through ``_sebelum_pindah``, which holds the request until
the page being left has reported every check it started, and closing the context waits for the
page the test ended on.

Why not ``page.evaluate`` on a ``load`` event: the test's next click races it and a navigation
destroys the evaluation; an evaluate from inside the route handler, while the navigation is
held, does not come back at all. A binding call is a message from the page, and gets through.
"""

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2, levels A and AA.
TAG_WCAG = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
DAMPAK_GAGAL = ("serious", "critical")
BATAS_TUNGGU = 15  # seconds a check may take before the test is told so
# A check still running when a form is submitted may stall until the browser has left the page
# (seen after a confirm() and on the score sheet's htmx swaps): the navigation waits this long for
# it, then goes, and the state is listed as unchecked. The page's load check is what counts.
BATAS_PINDAH = 3

# Runs in every document before its own scripts. In the top frame: tell Python a check is coming
# (so a navigation waits for it), run axe on load and after every htmx swap, one run at a time
# (axe refuses two at once), and report each run's serious and critical violations.
_KAIT = """
(() => {
  if (window.top !== window || !window.axe || !location.protocol.startsWith("http")) return;
  if (document.contentType !== "text/html") return;
  const opsi = {runOnly: {type: "tag", values: %(tag)s}, resultTypes: ["violations"]};
  const dampak = %(dampak)s;
  let antrean = Promise.resolve();
  const dokumen = Math.random().toString(36).slice(2);
  const lapor = (pesan) => window.__axeLapor({...pesan, dokumen}).catch(() => {});  // the context may be closing
  const ringkas = (v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    node: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html})),
  });
  const jalankan = (keadaan, sudahDicatat) => {
    if (!sudahDicatat) lapor({mulai: true});
    antrean = antrean
      // Two frames first: what a resize or a script changed is laid out before axe reads it.
      .then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
      .then(() => { lapor({info: "run " + keadaan}); return axe.run(document, opsi); })
      .then((r) => ({pelanggaran: r.violations.filter((v) => dampak.includes(v.impact)).map(ringkas)}))
      .catch((e) => ({galat: String(e)}))
      .then((hasil) => lapor({...hasil, url: location.href, lebar: window.innerWidth, keadaan}));
    return antrean;
  };
  lapor({mulai: true, baru: true});  // the load check, counted from the start of the document
  // Polled rather than a "load" listener: in some documents that listener never ran.
  const saatDimuat = () => {
    if (document.readyState !== "complete") return setTimeout(saatDimuat, 25);
    lapor({info: "dimuat"});
    jalankan("dimuat", true);
  };
  saatDimuat();
  document.addEventListener("htmx:afterSettle", () => jalankan("setelah htmx"));
})();
"""

_BUKAN_STATIK = re.compile(r"^(?!.*/static/)")  # the route sees documents and API calls, not files


def axe_js():
    """The path of axe.min.js; its absence fails the test (never skips it)."""
    if not AXE_JS.exists():
        pytest.fail(
            f"axe-core tidak ditemukan ({AXE_JS}); jalankan 'npm ci' di akar repositori "
            "(make test dan .ci/run melakukannya sendiri)."
        )
    return AXE_JS


def _js(nilai):
    return "[" + ", ".join(f'"{n}"' for n in nilai) + "]"


class Axe:
    """The axe checks of one browser context: ``pasang`` it, then ``periksa_akhir`` and ``pastikan_bersih``."""

    def __init__(self):
        self.temuan = {}  # (path, width, rule id) -> the violation as first seen
        self.galat = []
        self.jumlah_diperiksa = 0
        # page -> [its current document, checks the document started and has not reported]
        self._tertunda = {}
        self._terakhir = {}
        self.terlewat = []  # states left before their check ended (see BATAS_PINDAH)

    def pasang(self, context):
        context.expose_binding("__axeLapor", self._lapor)
        context.add_init_script(path=axe_js())
        context.add_init_script(script=_KAIT % {"tag": _js(TAG_WCAG), "dampak": _js(DAMPAK_GAGAL)})
        context.route(_BUKAN_STATIK, self._sebelum_pindah)

    def _lapor(self, source, hasil):
        page, dokumen = source["page"], hasil["dokumen"]
        if hasil.get("info"):
            self._terakhir[page] = hasil["info"]  # for the message, should a check never end
            return
        if hasil.get("baru"):
            # A new document: what the previous one left unfinished is gone with it.
            self._tertunda[page] = [dokumen, 0]
            self._terakhir[page] = "dokumen dibuka"
        kini = self._tertunda.get(page)
        # A document already left (its htmx swap raced the navigation) is not waited for.
        dokumen_kini = kini is not None and kini[0] == dokumen
        if hasil.get("mulai"):
            if dokumen_kini:
                kini[1] += 1
            return
        if dokumen_kini:
            kini[1] -= 1
        self.jumlah_diperiksa += 1
        if "galat" in hasil:
            self.galat.append(f"{hasil['url']} ({hasil['keadaan']}): axe gagal: {hasil['galat']}")
            return
        path = urlsplit(hasil["url"]).path
        for v in hasil["pelanggaran"]:
            self.temuan.setdefault(
                (path, hasil["lebar"], v["id"]),
                {**v, "url": hasil["url"], "lebar": hasil["lebar"], "keadaan": hasil["keadaan"]},
            )

    def _tunggu(self, page, batas=BATAS_TUNGGU, pindah=False):
        """Until the document ``page`` shows has reported every check it started."""
        mulai = time.monotonic()
        while (kini := self._tertunda.get(page)) and kini[1] > 0 and not page.is_closed():
            if time.monotonic() - mulai > batas:
                terakhir = self._terakhir.get(page, "dokumen dibuka")
                if pindah:
                    self.terlewat.append(f"{page.url} ({terakhir})")
                else:
                    self.galat.append(
                        f"{page.url}: pemeriksaan axe tidak selesai dalam {batas} detik (terakhir: {terakhir})"
                    )
                kini[1] = 0
                return
            page.wait_for_timeout(20)

    def _sebelum_pindah(self, route, request):
        # Only the main frame's navigations (a link, a form, page.goto) wait for the page they leave.
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self._tunggu(request.frame.page, BATAS_PINDAH, pindah=True)
        route.fallback()

    def periksa_akhir(self, context):
        """Wait for the checks of the pages the test ended on.

        No ``page.evaluate`` here (nor anywhere in this module): one sent while a navigation is
        starting never comes back, and a test may end on a click that navigates.
        """
        for page in context.pages:
            if not page.is_closed():
                self._tunggu(page)

    def laporan(self):
        """The violations found, one paragraph each, or "" when there are none."""
        bagian = [
            f"[{v['impact']}] {v['id']}: {v['help']}\n"
            f"  halaman {v['url']} (lebar {v['lebar']} px, {v['keadaan']})\n"
            f"  {v['helpUrl']}\n"
            + "".join(f"    - {n['target']}\n      {n['html'][:300]}\n" for n in v["node"][:5])
            + (f"    … dan {len(v['node']) - 5} elemen lain\n" if len(v["node"]) > 5 else "")
            for v in self.temuan.values()
        ]
        bagian += [f"[galat] {g}\n" for g in self.galat]
        if bagian and self.terlewat:
            bagian.append("Tidak sempat diperiksa sebelum pindah halaman: " + "; ".join(self.terlewat))
        return "\n".join(bagian)

    def pastikan_bersih(self):
        laporan = self.laporan()
        assert not laporan, (
            f"axe-core (WCAG 2.2 AA) menemukan {len(self.temuan)} pelanggaran serius/kritis "
            f"dan {len(self.galat)} galat:\n{laporan}"
        )
