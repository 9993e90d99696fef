"""A self-signed signing certificate in a PKCS#12 file, for demos and tests only (never for real documents).

    manage.py documents_dev_certificate --out /tmp/ky-thu.p12 --name "Nguyễn Văn A" --password matkhau

The same file's certificate is the trust root a validator needs (`--cert-out` writes it as PEM too).
"""

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.management.base import BaseCommand, CommandError


def dev_certificate(
    *, name: str, password: str, organisation: str = "Cổng thi đua – khen thưởng (thử nghiệm)", days: int = 365
) -> tuple[bytes, bytes]:
    """(PKCS#12 bytes, certificate PEM) of a new RSA-2048 self-signed certificate for `name`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(password.encode("utf-8")) if password else serialization.NoEncryption()
    )
    p12 = pkcs12.serialize_key_and_certificates(name.encode("utf-8"), key, cert, None, encryption)
    return p12, cert.public_bytes(serialization.Encoding.PEM)


class Command(BaseCommand):
    help = "Tạo chứng thư số tự ký (PKCS#12) để thử ký số văn bản; không dùng cho văn bản thật."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="đường dẫn tệp .p12 sẽ tạo")
        parser.add_argument("--name", required=True, help="họ tên người ký (CN của chứng thư)")
        parser.add_argument("--password", required=True, help="mật khẩu của tệp .p12")
        parser.add_argument("--days", type=int, default=365, help="số ngày hiệu lực (mặc định 365)")
        parser.add_argument("--cert-out", default="", help="ghi thêm chứng thư (PEM) để làm gốc tin cậy khi kiểm tra")

    def handle(self, *args, out, name, password, days, cert_out, **options):
        if days < 1:
            raise CommandError("Số ngày hiệu lực phải lớn hơn 0.")
        p12, pem = dev_certificate(name=name.strip(), password=password, days=days)
        Path(out).write_bytes(p12)
        if cert_out:
            Path(cert_out).write_bytes(pem)
        self.stdout.write(f"Đã tạo chứng thư số thử nghiệm cho {name.strip()}: {out}")
