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
// isianTampak: those fields of a list of [name, value] (a FormData), in a comparable form.
const isianTampak = (form, isian) =>
  JSON.stringify(
    [...isian]
      .filter(([nama]) => form.elements[nama] && form.elements[nama].type !== "hidden")
      .map(([n, v]) => [n, String(v)])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
const isianForm = (form) => isianTampak(form, new FormData(form));
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
  // What is sent, which is not always what the form shows: a retry sends an earlier edit again.
  if (form) form.dataset.dikirim = isianTampak(form, event.detail.requestConfig.formData);
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
    (form) =>
      (form.dataset.tersimpan !== undefined && form.dataset.tersimpan !== isianForm(form)) ||
      simpanBelumDijawab(form),
  );
  if (belumTersimpan) {
    event.preventDefault();
    event.returnValue = "";
  }
});

// <form data-simpan-otomatis> (an autosave, with hx-post): a save that gets no answer (a 5xx, a
// network error, a timeout) is shown as the form's status, from <template id="templat-gagal-simpan">,
// and sent again with growing pauses until the server answers; after a few attempts a "Coba lagi"
// button sends it at once. Each edit goes with a key (kunci) of its own, and a retry sends that
// same edit again: its values, its version, its key. So a save the server applied but whose answer
// was lost is recognised by its key, neither applied twice nor refused as "changed in another tab".
// What is typed meanwhile waits for that answer and then goes with the version the answer brought.
// Only the server's answer shows "Tersimpan"; until it comes the page warns before it is left.
const JEDA_ULANG_MS = [1000, 2000, 4000, 8000, 15000, 30000];
const GAGAL_SEBELUM_TOMBOL = 3;
const BATAS_WAKTU_SIMPAN_MS = 20000;
const simpanan = new WeakMap();
const keadaanSimpan = (form) => {
  if (!simpanan.has(form)) {
    // tertunda: the edit sent and not answered yet, as [name, value] pairs; ulangan: it is being sent again.
    simpanan.set(form, { tertunda: null, ulangan: false, gagal: 0, pengatur: null, dikonfirmasi: false, dialihkan: false });
  }
  return simpanan.get(form);
};
const formSimpanOtomatis = (el) => (el?.matches?.("form[data-simpan-otomatis]") ? el : null);
const simpanBelumDijawab = (form) => Boolean(simpanan.get(form)?.tertunda);
// A version 4 UUID: crypto.randomUUID() exists on HTTPS pages and localhost only.
const kunciBaru = () => {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const kirimUlang = (form) => {
  clearTimeout(keadaanSimpan(form).pengatur);
  htmx.trigger(form, "simpan-ulang");
};
// jenis: mencoba (retrying), tertunda (still failing: the button too), ditolak (a 4xx), sesi (signed out).
const tampilkanGagal = (form, jenis, { status = 0, tombol = jenis === "tertunda" } = {}) => {
  const templat = document.getElementById("templat-gagal-simpan");
  const wadah = document.querySelector(form.getAttribute("hx-target"));
  if (!templat || !wadah) return;
  let kotak = wadah.querySelector("[data-gagal-simpan]");
  if (!kotak) {
    wadah.replaceChildren(templat.content.cloneNode(true));
    kotak = wadah.querySelector("[data-gagal-simpan]");
  }
  const teks = templat.dataset[`teks${jenis[0].toUpperCase()}${jenis.slice(1)}`].replace("{status}", status);
  const pesan = kotak.querySelector("[data-pesan]");
  if (pesan.textContent !== teks) pesan.textContent = teks; // each change is read out: only when it says more
  kotak.querySelector("[data-coba-lagi]").hidden = !tombol;
};
document.addEventListener("htmx:configRequest", (event) => {
  const form = formSimpanOtomatis(event.detail.elt);
  if (!form) return;
  const keadaan = keadaanSimpan(form);
  clearTimeout(keadaan.pengatur);
  Object.assign(keadaan, { pengatur: null, dikonfirmasi: false, dialihkan: false, ulangan: Boolean(keadaan.tertunda) });
  if (!event.detail.timeout) event.detail.timeout = BATAS_WAKTU_SIMPAN_MS;
  const data = event.detail.formData;
  if (keadaan.ulangan) {
    [...new Set(data.keys())].forEach((nama) => data.delete(nama));
    keadaan.tertunda.forEach(([nama, nilai]) => data.append(nama, nilai));
  } else {
    data.set("kunci", kunciBaru());
    keadaan.tertunda = [...data];
  }
});
document.addEventListener("tersimpan", (event) => {
  const form = formSimpanOtomatis(event.target);
  if (form) keadaanSimpan(form).dikonfirmasi = true;
});
document.addEventListener("htmx:beforeSwap", (event) => {
  const form = formSimpanOtomatis(event.detail.requestConfig?.elt);
  const xhr = event.detail.xhr;
  if (!form || !xhr.responseURL) return;
  // Redirected (to the sign-in page, the session having ended): no answer to the save, nothing to show.
  const diminta = new URL(event.detail.pathInfo.requestPath, location.href).pathname;
  if (new URL(xhr.responseURL).pathname !== diminta) {
    event.detail.shouldSwap = false;
    keadaanSimpan(form).dialihkan = true;
  }
});
document.addEventListener("htmx:afterRequest", (event) => {
  const form = formSimpanOtomatis(event.detail.elt);
  if (!form) return;
  const keadaan = keadaanSimpan(form);
  if (event.detail.successful && !keadaan.dialihkan) {
    // Answered: saved, found saved already, or refused with its reason (which the swap shows).
    const ulangan = keadaan.ulangan;
    Object.assign(keadaan, { tertunda: null, ulangan: false, gagal: 0 });
    if (ulangan && keadaan.dikonfirmasi && isianForm(form) !== form.dataset.tersimpan) kirimUlang(form);
    return;
  }
  const status = event.detail.xhr?.status ?? 0;
  keadaan.gagal += 1;
  if (keadaan.dialihkan || (status >= 400 && status < 500 && status !== 408 && status !== 429)) {
    // Sending it again would not help: the page must be reloaded (the leave-warning stays on).
    tampilkanGagal(form, keadaan.dialihkan ? "sesi" : "ditolak", { status });
    return;
  }
  tampilkanGagal(form, keadaan.gagal >= GAGAL_SEBELUM_TOMBOL ? "tertunda" : "mencoba");
  keadaan.pengatur = setTimeout(() => kirimUlang(form), JEDA_ULANG_MS[Math.min(keadaan.gagal, JEDA_ULANG_MS.length) - 1]);
});
document.addEventListener("click", (event) => {
  const form = event.target.closest?.("[data-coba-lagi]")?.closest("form[data-simpan-otomatis]");
  if (!form) return;
  tampilkanGagal(form, "mencoba", { tombol: true });
  kirimUlang(form);
});
window.addEventListener("online", () => {
  document.querySelectorAll("form[data-simpan-otomatis]").forEach((form) => {
    if (simpanan.get(form)?.pengatur) kirimUlang(form);
  });
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
