// BKN Award: several evidence files at once on the indicator page. No inline scripts (CSP).
//
// <form data-unggah-banyak="URL">: files chosen with the file field or dropped on [data-zona-unggah]
// each get a row (name, size, which required document, a progress bar, then the server's verdict)
// and are sent one request each to URL, which answers {"ok": true} or {"ok": false, "galat": [...]}.
// Without this script the form posts every chosen file at once to the page itself.
"use strict";

(() => {
  const form = document.querySelector("form[data-unggah-banyak]");
  if (!form) return;

  const url = form.dataset.unggahBanyak;
  const teks = (nama, nilai = {}) =>
    (form.dataset[nama] || "").replace(/\{(\w+)\}/g, (_, kunci) => String(nilai[kunci] ?? ""));
  const masukan = form.querySelector("input[type=file][name=berkas]");
  const pilihanSyarat = form.querySelector("select[name=syarat]");
  const zona = form.querySelector("[data-zona-unggah]");
  const antrean = form.querySelector("[data-antrean]");
  const templat = form.querySelector("template[data-templat-baris]");
  const ringkasan = form.querySelector("[data-ringkasan-unggah]");
  const tombol = form.querySelector("[data-tombol-unggah]");
  const kotakSebelumnya = form.querySelector("[data-hasil-sebelumnya]");
  const kunciSimpan = `unggah-banyak:${window.location.pathname}`;
  const maksBita = Number(form.dataset.maksBita) || Infinity;
  const kurang = (form.dataset.syaratKurang || "").split(",").filter(Boolean);
  // {berkas, el, select, kemajuan, hasil, galat, status: "menunggu" | "mengirim" | "diterima" | "ditolak"}
  const baris = [];
  let nomor = 0;
  let sedangMengunggah = false;

  form.classList.add("unggah-js");
  masukan.required = false;

  const ukuranTeks = (bita) => {
    if (bita < 1024) return `${bita} bita`;
    if (bita < 1024 * 1024) return `${(bita / 1024).toFixed(1).replace(".", ",")} KB`;
    return `${(bita / 1024 / 1024).toFixed(1).replace(".", ",")} MB`;
  };

  // The still-missing required documents in order, then "Bukti pendukung lain" (the empty choice).
  const syaratBerikutnya = () => {
    const terpakai = new Set(baris.filter((b) => b.status !== "ditolak").map((b) => b.select.value));
    return kurang.find((pk) => !terpakai.has(pk)) ?? "";
  };

  const tampilkanHasil = (b, status, pesan) => {
    b.status = status;
    b.el.dataset.status = status;
    b.hasil.replaceChildren();
    const label = document.createElement("strong");
    if (status === "diterima") {
      b.hasil.className = "small mt-1 text-success";
      label.textContent = teks("teksDiterima");
      b.hasil.append(label);
      b.kemajuan.value = 100;
      b.select.disabled = true;
    } else if (status === "ditolak") {
      b.hasil.className = "small mt-1 text-danger";
      label.textContent = `${teks("teksDitolak")}: `;
      b.galat = pesan;
      b.hasil.append(label, pesan.join(" "));
      b.select.disabled = true;
    } else {
      b.hasil.className = "small mt-1 text-muted";
      b.hasil.textContent = pesan;
    }
  };

  const tambah = (daftar) => {
    for (const berkas of daftar) {
      // The same file chosen twice in one batch is listed once.
      if (baris.some((b) => b.status !== "ditolak" && b.berkas.name === berkas.name && b.berkas.size === berkas.size)) {
        continue;
      }
      nomor += 1;
      const el = templat.content.firstElementChild.cloneNode(true);
      const select = el.querySelector("[data-syarat]");
      const label = el.querySelector("[data-label-syarat]");
      select.id = `syarat-unggah-${nomor}`;
      label.htmlFor = select.id;
      select.append(...[...pilihanSyarat.options].map((o) => new Option(o.text, o.value)));
      el.querySelector("[data-nama]").textContent = berkas.name;
      el.querySelector("[data-ukuran]").textContent = ukuranTeks(berkas.size);
      const kemajuan = el.querySelector("[data-kemajuan]");
      kemajuan.setAttribute("aria-label", teks("teksKemajuan", { nama: berkas.name }));
      const keluarkan = el.querySelector("[data-keluarkan]");
      keluarkan.setAttribute("aria-label", teks("teksKeluarkan", { nama: berkas.name }));
      const b = { berkas, el, select, kemajuan, hasil: el.querySelector("[data-hasil]"), status: "menunggu" };
      select.value = syaratBerikutnya();
      keluarkan.addEventListener("click", () => {
        if (b.status === "mengirim") return;
        baris.splice(baris.indexOf(b), 1);
        el.remove();
      });
      baris.push(b);
      antrean.append(el);
      tampilkanHasil(b, "menunggu", teks("teksMenunggu"));
    }
    ringkasan.textContent = "";
  };

  const kirim = (b) =>
    new Promise((selesai) => {
      if (b.berkas.size > maksBita) {
        // Refused here, with the server's own words, rather than sent in full to be refused there.
        const mb = (b.berkas.size / 1024 / 1024).toFixed(1).replace(".", ",");
        tampilkanHasil(b, "ditolak", [teks("teksTerlaluBesar", { ukuran: mb })]);
        selesai();
        return;
      }
      const data = new FormData();
      data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      data.append("berkas", b.berkas, b.berkas.name);
      data.append("syarat", b.select.value);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("Accept", "application/json");
      b.status = "mengirim";
      b.el.dataset.status = "mengirim";
      b.select.disabled = true;
      xhr.upload.addEventListener("progress", (event) => {
        if (!event.lengthComputable) return;
        const persen = Math.round((event.loaded / event.total) * 100);
        b.kemajuan.value = persen;
        b.hasil.textContent = persen < 100 ? teks("teksMengunggah", { persen }) : teks("teksMemeriksa");
      });
      xhr.addEventListener("load", () => {
        let isi = null;
        try {
          isi = JSON.parse(xhr.responseText);
        } catch {
          isi = null;
        }
        if (xhr.status === 200 && isi?.ok) {
          tampilkanHasil(b, "diterima");
        } else if (Array.isArray(isi?.galat) && isi.galat.length) {
          tampilkanHasil(b, "ditolak", isi.galat);
        } else if (xhr.status === 200) {
          tampilkanHasil(b, "ditolak", [teks("teksTakDikenal")]);
        } else {
          tampilkanHasil(b, "ditolak", [teks("teksGagal", { status: xhr.status })]);
        }
        selesai();
      });
      xhr.addEventListener("error", () => {
        tampilkanHasil(b, "ditolak", [teks("teksJaringan")]);
        selesai();
      });
      xhr.send(data);
    });

  // The verdicts of the last batch, kept across the reload that shows the new files in the list.
  const tampilkanSebelumnya = () => {
    let simpanan = null;
    try {
      simpanan = JSON.parse(window.sessionStorage.getItem(kunciSimpan));
    } catch {
      simpanan = null;
    }
    if (!simpanan) return;
    const kotak = document.createElement("div");
    kotak.className = `alert ${simpanan.ditolak.length ? "alert-warning" : "alert-success"} small`;
    kotak.setAttribute("role", "status");
    kotak.dataset.testid = "hasil-unggah";
    const judul = document.createElement("p");
    judul.className = "mb-1 fw-semibold";
    judul.textContent = simpanan.ditolak.length
      ? teks("teksRingkasan", {
          diterima: simpanan.diterima,
          jumlah: simpanan.diterima + simpanan.ditolak.length,
          ditolak: simpanan.ditolak.length,
        })
      : teks("teksTerunggah", { jumlah: simpanan.diterima });
    kotak.append(judul);
    if (simpanan.ditolak.length) {
      const daftar = document.createElement("ul");
      daftar.className = "mb-2 ps-3";
      for (const { nama, galat } of simpanan.ditolak) {
        const li = document.createElement("li");
        li.dataset.ditolak = "";
        const tebal = document.createElement("strong");
        tebal.textContent = nama;
        li.append(tebal, ` — ${teks("teksDitolak")}: ${galat.join(" ")}`);
        daftar.append(li);
      }
      kotak.append(daftar);
    }
    const tutup = document.createElement("button");
    tutup.type = "button";
    tutup.className = "btn btn-sm btn-outline-dark";
    tutup.textContent = teks("teksTutup");
    tutup.addEventListener("click", () => {
      window.sessionStorage.removeItem(kunciSimpan);
      kotakSebelumnya.hidden = true;
      kotakSebelumnya.replaceChildren();
    });
    kotak.append(tutup);
    kotakSebelumnya.replaceChildren(kotak);
    kotakSebelumnya.hidden = false;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sedangMengunggah) return; // a double click sends nothing twice
    const menunggu = baris.filter((b) => b.status === "menunggu");
    if (!menunggu.length) {
      ringkasan.textContent = teks("teksKosong");
      masukan.focus();
      return;
    }
    sedangMengunggah = true;
    tombol.disabled = true;
    masukan.disabled = true;
    ringkasan.textContent = teks("teksSedang", { jumlah: menunggu.length });
    // One at a time: each file's progress is its own, and the agency's quota is checked in order.
    for (const b of menunggu) {
      await kirim(b);
    }
    const diterima = menunggu.filter((b) => b.status === "diterima");
    const ditolak = menunggu.filter((b) => b.status === "ditolak");
    ringkasan.textContent = teks("teksRingkasan", {
      diterima: diterima.length,
      jumlah: menunggu.length,
      ditolak: ditolak.length,
    });
    sedangMengunggah = false;
    tombol.disabled = false;
    masukan.disabled = false;
    if (diterima.length) {
      window.sessionStorage.setItem(
        kunciSimpan,
        JSON.stringify({
          diterima: diterima.length,
          ditolak: ditolak.map((b) => ({ nama: b.berkas.name, galat: b.galat })),
        }),
      );
      window.location.reload();
    }
  });

  masukan.addEventListener("change", () => {
    tambah(masukan.files);
    // The files now live in their rows; the field is free for the next choice.
    masukan.value = "";
  });

  zona.addEventListener("dragover", (event) => {
    if (![...(event.dataTransfer?.types || [])].includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    zona.classList.add("zona-aktif");
  });
  zona.addEventListener("dragleave", () => zona.classList.remove("zona-aktif"));
  zona.addEventListener("drop", (event) => {
    event.preventDefault();
    zona.classList.remove("zona-aktif");
    if (!sedangMengunggah) tambah(event.dataTransfer.files);
  });

  tampilkanSebelumnya();
})();
