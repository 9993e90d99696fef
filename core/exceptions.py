class ServiceError(Exception):
    """A business rule refused the action; the message is Vietnamese and shown to the user."""


class StaleObjectError(ServiceError):
    """The object changed since the form was loaded."""

    def __init__(
        self, message="Dữ liệu đã được người khác cập nhật sau khi bạn mở biểu mẫu. Vui lòng tải lại trang và nhập lại."
    ):
        super().__init__(message)
