"""Library catalogue and loans."""

from typing import TYPE_CHECKING

from tortoise import fields

from models.base import TimestampedModel
from models.enums import BookIssueStatus

if TYPE_CHECKING:
    from models import AdminStaff, Department, User


class LibraryBook(TimestampedModel):
    title = fields.CharField(max_length=255, db_index=True)
    author = fields.CharField(max_length=255, db_index=True)
    # Immutable once created.
    isbn = fields.CharField(max_length=20, unique=True)
    publisher = fields.CharField(max_length=255, null=True)
    edition = fields.CharField(max_length=50, null=True)
    language = fields.CharField(max_length=50, null=True)
    category = fields.CharField(max_length=100, null=True, db_index=True)
    rack_no = fields.CharField(max_length=20, null=True)
    shelf_no = fields.CharField(max_length=20, null=True)
    year_of_publication = fields.IntField(null=True)
    pages = fields.IntField(null=True)
    price = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    department: fields.ForeignKeyNullableRelation["Department"] = fields.ForeignKeyField(
        "models.Department",
        related_name="library_books",
        null=True,
        db_index=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    department_id: int | None
    copies_total = fields.IntField(default=1)
    # Changed only by conditional UPDATEs beside the loan that justifies it.
    copies_available = fields.IntField(default=1)
    # Reference books cannot be issued.
    is_reference = fields.BooleanField(default=False)
    description = fields.TextField(null=True)
    cover_image_url = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "library_books"

    def __str__(self) -> str:
        return f"{self.title} ({self.isbn})"


class BookIssue(TimestampedModel):
    """A loan of one copy of a book to a user (any user may borrow)."""

    book: fields.ForeignKeyRelation["LibraryBook"] = fields.ForeignKeyField(
        "models.LibraryBook",
        related_name="issues",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    book_id: int
    # user_id leads the (user_id, status) index in Meta.
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="book_issues", on_delete=fields.OnDelete.RESTRICT
    )
    user_id: int
    issue_date = fields.DatetimeField(db_index=True)
    # Indexed behind status by (status, due_date) in Meta: the overdue list's query.
    due_date = fields.DatetimeField()
    return_date = fields.DatetimeField(null=True)
    # The outstanding fine.
    fine_amount = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    status = fields.CharEnumField(BookIssueStatus, max_length=20, default=BookIssueStatus.ISSUED)
    issued_by: fields.ForeignKeyRelation["AdminStaff"] = fields.ForeignKeyField(
        "models.AdminStaff",
        related_name="issued_books",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    issued_by_id: int
    remarks = fields.TextField(null=True)
    renewal_count = fields.IntField(default=0)

    class Meta:
        table = "book_issues"
        indexes = (("user_id", "status"), ("status", "due_date"))

    def __str__(self) -> str:
        return f"book {self.book_id} to user {self.user_id} ({self.status})"
