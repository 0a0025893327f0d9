# Pengaduan (model SP4N-LAPOR!)
err-complaint-step = Langkah ini tidak dapat dilakukan pada laporan berstatus "{ $status }", atau bukan wewenang akun Anda.
err-complaint-changed = Laporan ini baru saja diubah orang lain. Muat ulang halaman lalu coba lagi.
err-complaint-closed = Laporan ini sudah ditutup; komentar tidak dapat ditambahkan. Buka kembali laporan bila tanggapannya belum memuaskan.
hint-attachment-size = Setiap lampiran paling besar 2 MB.
hint-attachment-type = Lampiran harus berupa foto (JPEG, PNG, WebP) atau PDF.
hint-date-past = Tanggal kejadian tidak boleh di masa depan.

## Tautan
admin-complaints = Pengaduan
cp-mpp-link = Sampaikan pengaduan, aspirasi atau permintaan informasi
cp-track-link = Lacak laporan dengan kode pelacakan

## Formulir publik
cp-optional = tidak wajib
cp-form-title = Sampaikan laporan
cp-form-lead = Pengaduan, aspirasi atau permintaan informasi tentang pelayanan di MPP ini. Tanpa akun; boleh anonim atau dirahasiakan.
cp-form-deadlines = Pengelola MPP memverifikasi laporan paling lambat 3 hari kerja, lalu instansi terkait menanggapi paling lambat 5 hari kerja.
cp-kind = Jenis laporan
cp-kind-pengaduan-help = Ada pelayanan yang tidak sesuai standar atau merugikan Anda.
cp-kind-aspirasi-help = Saran atau usulan untuk perbaikan pelayanan.
cp-kind-permintaan_informasi-help = Pertanyaan tentang layanan, syarat atau prosedur.
cp-about = Tentang instansi
cp-about-mpp = MPP secara umum
cp-about-service = Laporan tentang layanan:
cp-title = Judul
cp-title-help = Ringkas, misalnya "Nomor antrean saya dilewati".
cp-body = Isi laporan
cp-body-help = Ceritakan apa yang terjadi, kapan, di loket mana. Paling sedikit 20 huruf.
cp-happened-on = Tanggal kejadian
cp-happened-on-help = Bila laporan tentang suatu kejadian.
cp-attachments = Lampiran
cp-attachments-help = Foto (JPEG, PNG, WebP) atau PDF, paling banyak 3 berkas, masing-masing paling besar 2 MB.
cp-you = Identitas Anda
cp-anonymous = Kirim secara anonim
cp-anonymous-help = Nama dan kontak tidak disimpan. Anda hanya dapat mengikuti laporan dengan kode pelacakan.
cp-confidential = Rahasiakan identitas saya
cp-confidential-help = Instansi yang dilaporkan tidak melihat nama dan kontak Anda; hanya pengelola MPP yang melihatnya, tersamar.
cp-name = Nama
cp-email = E-mail
cp-phone = Nomor HP
cp-contact-help = Isi e-mail atau nomor HP bila ingin diberi tahu setiap ada tanggapan.
cp-send = Kirim laporan
cp-filed-title = Laporan terkirim
cp-filed-lead = Terima kasih. Laporan Anda sudah kami terima. Ini kode pelacakan Anda:
cp-filed-keep = Simpan atau foto kode ini: kode hanya ditampilkan sekali dan satu-satunya cara untuk melihat tanggapan.
cp-reference = Nomor laporan
cp-verify-by = Diverifikasi paling lambat
cp-answer-by = Ditanggapi paling lambat
cp-track-now = Lihat perkembangan laporan

## Pelacakan
cp-track-title = Lacak laporan
cp-track-lead = Masukkan kode pelacakan yang Anda terima saat mengirim laporan.
cp-tracking-code = Kode pelacakan
cp-track-find = Lihat laporan
cp-not-found = Kode pelacakan tidak ditemukan. Periksa kembali penulisannya (contoh: ADU-7K3M-Q9PX-2D4F).
cp-status = Status
cp-where = Tempat
cp-filed-at = Dikirim
cp-late = Terlambat
cp-referral = Saluran yang berwenang
cp-your-rating = Penilaian Anda
cp-timeline = Riwayat tindak lanjut
cp-action-submit = Laporan dikirim
cp-action-forward = Diteruskan ke instansi
cp-action-postpone = Ditunda, menunggu keterangan
cp-action-not_authority = Bukan kewenangan MPP
cp-action-archive = Diarsipkan
cp-action-answer = Tanggapan instansi
cp-action-return = Dikembalikan ke pengelola MPP
cp-action-rate = Penilaian pelapor
cp-action-reopen = Dibuka kembali
cp-action-comment = Komentar
cp-action-escalate = Eskalasi keterlambatan
cp-action-deadline = Batas waktu dihitung ulang
cp-rating = Nilai
cp-rate-title = Nilai tanggapan ini
cp-rate-help = 1 = sangat tidak puas, 5 = sangat puas. Menilai akan menutup laporan; Anda masih dapat membukanya kembali.
cp-rate-comment = Catatan (tidak wajib)
cp-rate-send = Kirim penilaian
cp-reopen-title = Belum tuntas?
cp-reopen-reason = Alasan membuka kembali
cp-reopen-help = Laporan kembali ke instansi dengan batas waktu 5 hari kerja.
cp-reopen = Buka kembali laporan
cp-add = Tambahkan keterangan
cp-postponed-help = Pengelola MPP meminta keterangan tambahan. Setelah Anda membalas, verifikasi dilanjutkan.
cp-comment = Komentar
cp-comment-send = Kirim komentar
cp-commented = Komentar Anda sudah ditambahkan.
cp-rated = Terima kasih atas penilaian Anda. Laporan ditutup.
cp-reopened = Laporan dibuka kembali dan diteruskan ke instansi.

## Meja pengaduan (petugas)
cp-desk-lead = Verifikasi laporan baru paling lambat 3 hari kerja; instansi menanggapi paling lambat 5 hari kerja setelah diteruskan. Laporan terlambat ditandai merah dan dieskalasi.
cp-late-count = { $n ->
    [one] Ada 1 laporan yang melewati batas waktu.
   *[other] Ada { $n } laporan yang melewati batas waktu.
}
cp-show-late = Tampilkan
cp-export = Ekspor untuk SP4N-LAPOR!
cp-export-from = Dari tanggal
cp-export-to = Sampai tanggal
cp-export-format = Format
cp-deadline = Batas waktu
cp-confidential-badge = dirahasiakan
cp-pick-mpp = Pilih MPP untuk melihat laporannya.
cp-overdue-notice = Laporan ini melewati batas waktu dan sudah dieskalasi. Mohon segera ditindaklanjuti.
cp-reporter = Pelapor
cp-step-forward = Teruskan ke instansi
cp-step-forward-help = Instansi mendapat 5 hari kerja untuk menanggapi.
cp-to-provider = Instansi tujuan
cp-note-reporter = Catatan untuk pelapor
cp-step-answer = Kirim tanggapan
cp-step-answer-help = Tanggapan ini dibaca pelapor. Jelaskan tindak lanjut yang sudah dilakukan.
cp-answer = Tanggapan
cp-step-postpone = Tunda, minta keterangan
cp-step-postpone-help = Pelapor diminta melengkapi laporan; verifikasi berlanjut setelah ia membalas.
cp-step-not_authority = Bukan kewenangan
cp-step-not_authority-help = Beri tahu pelapor ke mana laporan sebaiknya disampaikan.
cp-step-archive = Arsipkan
cp-step-archive-help = Untuk laporan yang tidak perlu ditindaklanjuti (ganda, tidak jelas, sudah selesai).
cp-step-return = Kembalikan ke pengelola MPP
cp-step-return-help = Bila laporan bukan urusan instansi Anda; pengelola MPP meneruskannya ke instansi yang tepat.
cp-referral-placeholder = mis. Kantor Pertanahan Kota Bogor, lapor.go.id
cp-internal = catatan internal
cp-internal-help = Catatan internal (tidak terlihat oleh pelapor)
cp-saved = Tersimpan. Pelapor dapat melihat perubahan ini.
cp-count = { $n ->
    [one] 1 laporan
   *[other] { $n } laporan
}
