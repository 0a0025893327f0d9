# Survei kepuasan masyarakat (SKM)
err-survey-not-open = Survei untuk kunjungan ini tidak tersedia: layanan belum selesai, tidak dilayani, atau sudah lebih dari 14 hari.
err-survey-answered = Survei ini sudah diisi. Terima kasih atas penilaian Anda.
hint-date-recent = Gunakan tanggal dalam setahun terakhir dengan format TTTT-BB-HH, misalnya 2026-11-23.
