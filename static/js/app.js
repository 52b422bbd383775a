// BKN Award: small behaviours shared by every page. No inline scripts (CSP).
"use strict";

// <form data-konfirmasi="Yakin?">: ask before submitting a consequential action.
document.addEventListener("submit", (event) => {
  const pesan = event.target.dataset?.konfirmasi;
  if (pesan && !window.confirm(pesan)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// <form data-sekali>: disable the submit buttons after the first submit, so a
// double click does not send the same action twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-sekali]") || event.defaultPrevented) return;
  if (form.dataset.terkirim === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.terkirim = "1";
  form.querySelectorAll("button[type=submit], input[type=submit]").forEach((tombol) => {
    tombol.disabled = true;
  });
});

// <select data-kirim-otomatis>: submit its form when the choice changes.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-kirim-otomatis]")) {
    event.target.form.requestSubmit();
  }
});

// Pages with htmx save on their own: hide the fallback "Simpan" buttons.
if (window.htmx) {
  document.documentElement.classList.add("htmx-aktif");
}

// <input data-cari="selector">: show only the matching rows (their data-teks), as the user types.
document.addEventListener("input", (event) => {
  const masukan = event.target;
  if (!masukan.matches("input[data-cari]")) return;
  const kata = masukan.value.trim().toLowerCase();
  let terlihat = 0;
  document.querySelectorAll(masukan.dataset.cari).forEach((baris) => {
    const cocok = !kata || (baris.dataset.teks || baris.textContent.toLowerCase()).includes(kata);
    baris.hidden = !cocok;
    if (cocok) terlihat += 1;
  });
  document.querySelectorAll("[data-cari-kosong]").forEach((el) => el.classList.toggle("d-none", terlihat > 0));
});

// <button data-cetak>: print the page.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-cetak]")) window.print();
});

// <form data-peringatan-belum-simpan>: warn before leaving the page while a change is not saved yet.
// What the user can edit (hidden fields aside) is compared with what the server last confirmed:
// the autosave answer with the "tersimpan" event (HX-Trigger), or the form's own submission.
const isianForm = (form) =>
  JSON.stringify(
    [...new FormData(form)].filter(([nama]) => form.elements[nama]?.type !== "hidden").map(([n, v]) => [n, String(v)]),
  );
const formPantauan = (el) => el?.closest?.("form[data-peringatan-belum-simpan]");
const catatTersimpan = (form, isian) => {
  form.dataset.tersimpan = isian ?? isianForm(form);
};
document.addEventListener("htmx:load", (event) => {
  const el = event.detail.elt;
  [el, ...el.querySelectorAll("form")].forEach((form) => {
    if (form.matches?.("form[data-peringatan-belum-simpan]") && form.dataset.tersimpan === undefined) catatTersimpan(form);
  });
});
document.querySelectorAll("form[data-peringatan-belum-simpan]").forEach((form) => catatTersimpan(form));
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = formPantauan(event.detail.elt);
  if (form) form.dataset.dikirim = isianForm(form);
});
document.addEventListener("tersimpan", (event) => {
  const form = formPantauan(event.target);
  if (form && form.dataset.dikirim !== undefined) catatTersimpan(form, form.dataset.dikirim);
});
document.addEventListener("submit", (event) => {
  if (event.target.matches("form[data-peringatan-belum-simpan]")) catatTersimpan(event.target);
});
window.addEventListener("beforeunload", (event) => {
  const belumTersimpan = [...document.querySelectorAll("form[data-peringatan-belum-simpan]")].some(
    (form) => form.dataset.tersimpan !== undefined && form.dataset.tersimpan !== isianForm(form),
  );
  if (belumTersimpan) {
    event.preventDefault();
    event.returnValue = "";
  }
});

// A table wider than the screen scrolls sideways in its .table-responsive box. While it does, the
// box takes the keyboard focus, so that the arrow keys scroll it (WCAG 2.1.1), and is named after
// its section; once it fits again it leaves the tab order.
const tabelGeser = (kotak) => {
  const geser = kotak.scrollWidth > kotak.clientWidth + 1;
  if (geser && kotak.dataset.geser !== "1") {
    kotak.dataset.geser = "1";
    kotak.tabIndex = 0;
    const nama = kotak.closest("[aria-labelledby]")?.getAttribute("aria-labelledby");
    if (nama && !kotak.hasAttribute("aria-labelledby")) {
      kotak.setAttribute("role", "region");
      kotak.setAttribute("aria-labelledby", nama);
      kotak.dataset.namaGeser = "1";
    }
  } else if (!geser && kotak.dataset.geser === "1") {
    delete kotak.dataset.geser;
    kotak.removeAttribute("tabindex");
    if (kotak.dataset.namaGeser) {
      kotak.removeAttribute("role");
      kotak.removeAttribute("aria-labelledby");
      delete kotak.dataset.namaGeser;
    }
  }
};
const pantauGeser = new ResizeObserver((entri) => entri.forEach((e) => tabelGeser(e.target)));
const pasangPantauGeser = (akar) => {
  [akar, ...akar.querySelectorAll(".table-responsive")].filter((el) => el.matches?.(".table-responsive")).forEach((kotak) => {
    tabelGeser(kotak);
    pantauGeser.observe(kotak);
  });
};
pasangPantauGeser(document);
document.addEventListener("htmx:load", (event) => pasangPantauGeser(event.detail.elt));
