# Pengaduan (model SP4N-LAPOR!)
err-complaint-step = Langkah ini tidak dapat dilakukan pada laporan berstatus "{ $status }", atau bukan wewenang akun Anda.
err-complaint-changed = Laporan ini baru saja diubah orang lain. Muat ulang halaman lalu coba lagi.
err-complaint-closed = Laporan ini sudah ditutup; komentar tidak dapat ditambahkan. Buka kembali laporan bila tanggapannya belum memuaskan.
hint-attachment-size = Setiap lampiran paling besar 2 MB.
hint-attachment-type = Lampiran harus berupa foto (JPEG, PNG, WebP) atau PDF.
hint-date-past = Tanggal kejadian tidak boleh di masa depan.
