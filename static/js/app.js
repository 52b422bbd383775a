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
// A change is saved when the server answers the autosave of the last change sent with the
// "tersimpan" event (HX-Trigger), or when the form itself is submitted.
const belumTersimpan = new Set();
const formPantauan = (el) => el?.closest?.("form[data-peringatan-belum-simpan]");
const tandaiBerubah = (event) => {
  const form = formPantauan(event.target);
  if (!form) return;
  form.dataset.perubahan = String(Number(form.dataset.perubahan || 0) + 1);
  belumTersimpan.add(form);
};
document.addEventListener("input", tandaiBerubah);
document.addEventListener("change", tandaiBerubah);
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = formPantauan(event.detail.elt);
  if (form) form.dataset.dikirim = form.dataset.perubahan || "0";
});
document.addEventListener("tersimpan", (event) => {
  const form = formPantauan(event.target);
  if (form && form.dataset.dikirim === (form.dataset.perubahan || "0")) belumTersimpan.delete(form);
});
document.addEventListener("submit", (event) => belumTersimpan.delete(event.target));
window.addEventListener("beforeunload", (event) => {
  if (belumTersimpan.size) {
    event.preventDefault();
    event.returnValue = "";
  }
});
