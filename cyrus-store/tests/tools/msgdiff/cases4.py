from cases3 import nest
CASES4 = [
("lf-then-boundary", b"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n\n--a\r\n\r\nx\r\n--a--\r\n"),
("boundary-first-line", b"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n--a\r\nSubject: s\r\n\r\nx\r\n--a--\r\n"),
("rfc822-boundary-hdr", b"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\n--a\r\n\r\ntwo\r\n--a--\r\n"),
("nest110", nest(110)),
("outer-close-inside", b"Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\n\r\nin\r\n--o--\r\nafter\r\n"),
]
