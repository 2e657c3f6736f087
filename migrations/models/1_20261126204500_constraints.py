"""Database rules the ORM cannot declare (see models/constraints.py, from which this
snapshot was generated): CHECK constraints, partial unique indexes, the departments →
faculty reference, the receipt-number sequence, trigram search indexes, and the grading
scale of notes §3.2.

Trigram indexes need the pg_trgm extension; where the server lacks it (the embedded
PostgreSQL build) they are skipped and searches fall back to sequential scans.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
ALTER TABLE users ADD CONSTRAINT ck_users_user_name_length CHECK (char_length(user_name) >= 3);
ALTER TABLE faculty ADD CONSTRAINT ck_faculty_experience_years_non_negative CHECK (experience_years >= 0);
ALTER TABLE students ADD CONSTRAINT ck_students_semester_positive CHECK (semester >= 1);
ALTER TABLE students ADD CONSTRAINT ck_students_cgpa_range CHECK (cgpa >= 0 AND cgpa <= 10);
ALTER TABLE parents ADD CONSTRAINT ck_parents_annual_income_non_negative CHECK (annual_income >= 0);
ALTER TABLE departments ADD CONSTRAINT fk_departments_hod_faculty FOREIGN KEY (hod_id) REFERENCES faculty (id) ON DELETE SET NULL;
ALTER TABLE programs ADD CONSTRAINT ck_programs_duration_years_positive CHECK (duration_years > 0);
ALTER TABLE programs ADD CONSTRAINT ck_programs_total_semesters_positive CHECK (total_semesters > 0);
ALTER TABLE programs ADD CONSTRAINT ck_programs_total_credits_positive CHECK (total_credits > 0);
ALTER TABLE courses ADD CONSTRAINT ck_courses_credits_positive CHECK (credits > 0);
ALTER TABLE courses ADD CONSTRAINT ck_courses_max_students_positive CHECK (max_students > 0);
ALTER TABLE course_prerequisites ADD CONSTRAINT ck_course_prerequisites_not_self CHECK (course_id <> prerequisite_id);
ALTER TABLE program_courses ADD CONSTRAINT ck_program_courses_semester_positive CHECK (semester >= 1);
ALTER TABLE course_offerings ADD CONSTRAINT ck_course_offerings_semester_positive CHECK (semester >= 1);
ALTER TABLE course_offerings ADD CONSTRAINT ck_course_offerings_dates_ordered CHECK (start_date < end_date);
ALTER TABLE course_offerings ADD CONSTRAINT ck_course_offerings_max_capacity_positive CHECK (max_capacity > 0);
ALTER TABLE course_offerings ADD CONSTRAINT ck_course_offerings_enrolled_within_capacity CHECK (enrolled_students >= 0 AND (max_capacity IS NULL OR enrolled_students <= max_capacity));
CREATE UNIQUE INDEX IF NOT EXISTS uq_course_offerings_no_section ON course_offerings (course_id, program_id, academic_year, semester) WHERE section IS NULL;
ALTER TABLE enrollments ADD CONSTRAINT ck_enrollments_grade_point_range CHECK (grade_point >= 0 AND grade_point <= 10);
ALTER TABLE enrollments ADD CONSTRAINT ck_enrollments_credits_earned_non_negative CHECK (credits_earned >= 0);
CREATE UNIQUE INDEX IF NOT EXISTS uq_enrollments_one_enrolled ON enrollments (student_id, program_id) WHERE status = 'enrolled';
ALTER TABLE timetable_slots ADD CONSTRAINT ck_timetable_slots_day_of_week_range CHECK (day_of_week BETWEEN 0 AND 6);
ALTER TABLE timetable_slots ADD CONSTRAINT ck_timetable_slots_times_ordered CHECK (start_time < end_time);
CREATE UNIQUE INDEX IF NOT EXISTS uq_class_schedules_one_active ON class_schedules (slot_id, room_no) WHERE is_active;
ALTER TABLE exam_schedules ADD CONSTRAINT ck_exam_schedules_times_ordered CHECK (start_time < end_time);
ALTER TABLE exam_schedules ADD CONSTRAINT ck_exam_schedules_semester_positive CHECK (semester >= 1);
ALTER TABLE exam_timetables ADD CONSTRAINT ck_exam_timetables_times_ordered CHECK (start_time < end_time);
ALTER TABLE exam_timetables ADD CONSTRAINT ck_exam_timetables_duration_positive CHECK (duration_minutes > 0);
ALTER TABLE exam_timetables ADD CONSTRAINT ck_exam_timetables_max_marks_positive CHECK (max_marks > 0);
ALTER TABLE assessments ADD CONSTRAINT ck_assessments_max_marks_positive CHECK (max_marks > 0);
ALTER TABLE assessments ADD CONSTRAINT ck_assessments_weightage_range CHECK (weightage > 0 AND weightage <= 100);
ALTER TABLE grades ADD CONSTRAINT ck_grades_marks_obtained_non_negative CHECK (marks_obtained >= 0);
ALTER TABLE semester_results ADD CONSTRAINT ck_semester_results_semester_positive CHECK (semester >= 1);
ALTER TABLE semester_results ADD CONSTRAINT ck_semester_results_gpa_range CHECK (gpa >= 0 AND gpa <= 10);
ALTER TABLE semester_results ADD CONSTRAINT ck_semester_results_cgpa_range CHECK (cgpa >= 0 AND cgpa <= 10);
ALTER TABLE semester_results ADD CONSTRAINT ck_semester_results_total_credits_attempted_non_negative CHECK (total_credits_attempted >= 0);
ALTER TABLE semester_results ADD CONSTRAINT ck_semester_results_credits_earned_range CHECK (total_credits_earned >= 0 AND total_credits_earned <= total_credits_attempted);
ALTER TABLE grading_scales ADD CONSTRAINT ck_grading_scales_min_percentage_range CHECK (min_percentage >= 0 AND min_percentage <= 100);
ALTER TABLE grading_scales ADD CONSTRAINT ck_grading_scales_grade_point_range CHECK (grade_point >= 0 AND grade_point <= 10);
ALTER TABLE attendance_summary ADD CONSTRAINT ck_attendance_summary_classes_range CHECK (attended_classes >= 0 AND attended_classes <= total_classes);
ALTER TABLE attendance_summary ADD CONSTRAINT ck_attendance_summary_percentage_range CHECK (attendance_percentage >= 0 AND attendance_percentage <= 100);
ALTER TABLE attendance_summary ADD CONSTRAINT ck_attendance_summary_month_first_day CHECK (EXTRACT(DAY FROM month) = 1);
ALTER TABLE fee_structures ADD CONSTRAINT ck_fee_structures_semester_positive CHECK (semester >= 1);
ALTER TABLE fee_structures ADD CONSTRAINT ck_fee_structures_tuition_fee_non_negative CHECK (tuition_fee >= 0);
ALTER TABLE fee_structures ADD CONSTRAINT ck_fee_structures_lab_fee_non_negative CHECK (lab_fee >= 0);
ALTER TABLE fee_structures ADD CONSTRAINT ck_fee_structures_library_fee_non_negative CHECK (library_fee >= 0);
ALTER TABLE fee_structures ADD CONSTRAINT ck_fee_structures_sports_fee_non_negative CHECK (sports_fee >= 0);
ALTER TABLE fee_structures ADD CONSTRAINT ck_fee_structures_examination_fee_non_negative CHECK (examination_fee >= 0);
ALTER TABLE fee_structures ADD CONSTRAINT ck_fee_structures_hostel_fee_non_negative CHECK (hostel_fee >= 0);
ALTER TABLE fee_structures ADD CONSTRAINT ck_fee_structures_other_fee_non_negative CHECK (other_fee >= 0);
ALTER TABLE fee_structures ADD CONSTRAINT ck_fee_structures_late_fee_per_day_non_negative CHECK (late_fee_per_day >= 0);
ALTER TABLE fee_structures ADD CONSTRAINT ck_fee_structures_total_is_sum CHECK (total_fee = tuition_fee + lab_fee + library_fee + sports_fee + examination_fee + COALESCE(hostel_fee, 0) + COALESCE(other_fee, 0));
ALTER TABLE fee_payments ADD CONSTRAINT ck_fee_payments_amount_positive CHECK (amount_paid > 0);
ALTER TABLE fee_payments ADD CONSTRAINT ck_fee_payments_late_fee_non_negative CHECK (late_fee >= 0);
ALTER TABLE fee_payments ADD CONSTRAINT ck_fee_payments_discount_non_negative CHECK (discount >= 0);
CREATE SEQUENCE IF NOT EXISTS fee_receipt_number_seq;
ALTER TABLE library_books ADD CONSTRAINT ck_library_books_copies CHECK (copies_available >= 0 AND copies_available <= copies_total);
ALTER TABLE library_books ADD CONSTRAINT ck_library_books_price_non_negative CHECK (price >= 0);
ALTER TABLE library_books ADD CONSTRAINT ck_library_books_pages_positive CHECK (pages > 0);
ALTER TABLE book_issues ADD CONSTRAINT ck_book_issues_fine_amount_non_negative CHECK (fine_amount >= 0);
ALTER TABLE book_issues ADD CONSTRAINT ck_book_issues_renewal_count_non_negative CHECK (renewal_count >= 0);
ALTER TABLE book_issues ADD CONSTRAINT ck_book_issues_due_after_issue CHECK (due_date >= issue_date);
ALTER TABLE book_issues ADD CONSTRAINT ck_book_issues_return_after_issue CHECK (return_date >= issue_date);
CREATE UNIQUE INDEX IF NOT EXISTS uq_book_issues_one_open ON book_issues (book_id, user_id) WHERE status = 'issued';
ALTER TABLE hostels ADD CONSTRAINT ck_hostels_total_rooms_non_negative CHECK (total_rooms >= 0);
ALTER TABLE hostels ADD CONSTRAINT ck_hostels_total_capacity_non_negative CHECK (total_capacity >= 0);
ALTER TABLE hostels ADD CONSTRAINT ck_hostels_occupied_capacity_non_negative CHECK (occupied_capacity >= 0);
ALTER TABLE hostel_rooms ADD CONSTRAINT ck_hostel_rooms_capacity_positive CHECK (capacity > 0);
ALTER TABLE hostel_rooms ADD CONSTRAINT ck_hostel_rooms_occupied_beds_range CHECK (occupied_beds >= 0 AND occupied_beds <= capacity);
ALTER TABLE hostel_rooms ADD CONSTRAINT ck_hostel_rooms_room_fee_non_negative CHECK (room_fee >= 0);
ALTER TABLE hostel_allocations ADD CONSTRAINT ck_hostel_allocations_release_after_allocation CHECK (release_date >= allocation_date);
CREATE UNIQUE INDEX IF NOT EXISTS uq_hostel_allocations_one_active ON hostel_allocations (student_id) WHERE status = 'active';
CREATE INDEX IF NOT EXISTS ix_notifications_due ON notifications (scheduled_at) WHERE status = 'scheduled';
ALTER TABLE documents ADD CONSTRAINT ck_documents_file_size_non_negative CHECK (file_size >= 0);
DO $trgm$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_users_first_name ON users USING gin ((UPPER(CAST(first_name AS VARCHAR))) gin_trgm_ops)$ddl$;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_users_last_name ON users USING gin ((UPPER(CAST(last_name AS VARCHAR))) gin_trgm_ops)$ddl$;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_users_email ON users USING gin ((UPPER(CAST(email AS VARCHAR))) gin_trgm_ops)$ddl$;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_students_student_code ON students USING gin ((UPPER(CAST(student_code AS VARCHAR))) gin_trgm_ops)$ddl$;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_students_admission_number ON students USING gin ((UPPER(CAST(admission_number AS VARCHAR))) gin_trgm_ops)$ddl$;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_library_books_title ON library_books USING gin ((UPPER(CAST(title AS VARCHAR))) gin_trgm_ops)$ddl$;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_library_books_author ON library_books USING gin ((UPPER(CAST(author AS VARCHAR))) gin_trgm_ops)$ddl$;
    END IF;
END
$trgm$;
INSERT INTO grading_scales (letter, min_percentage, grade_point, created_at) VALUES
    ('O', 90, 10, now()), ('A+', 80, 9, now()), ('A', 70, 8, now()), ('B+', 60, 7, now()),
    ('B', 50, 6, now()), ('C', 40, 5, now()), ('F', 0, 0, now());
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DELETE FROM grading_scales;
DROP INDEX IF EXISTS trgm_library_books_author;
DROP INDEX IF EXISTS trgm_library_books_title;
DROP INDEX IF EXISTS trgm_students_admission_number;
DROP INDEX IF EXISTS trgm_students_student_code;
DROP INDEX IF EXISTS trgm_users_email;
DROP INDEX IF EXISTS trgm_users_last_name;
DROP INDEX IF EXISTS trgm_users_first_name;
ALTER TABLE documents DROP CONSTRAINT IF EXISTS ck_documents_file_size_non_negative;
DROP INDEX IF EXISTS ix_notifications_due;
DROP INDEX IF EXISTS uq_hostel_allocations_one_active;
ALTER TABLE hostel_allocations DROP CONSTRAINT IF EXISTS ck_hostel_allocations_release_after_allocation;
ALTER TABLE hostel_rooms DROP CONSTRAINT IF EXISTS ck_hostel_rooms_room_fee_non_negative;
ALTER TABLE hostel_rooms DROP CONSTRAINT IF EXISTS ck_hostel_rooms_occupied_beds_range;
ALTER TABLE hostel_rooms DROP CONSTRAINT IF EXISTS ck_hostel_rooms_capacity_positive;
ALTER TABLE hostels DROP CONSTRAINT IF EXISTS ck_hostels_occupied_capacity_non_negative;
ALTER TABLE hostels DROP CONSTRAINT IF EXISTS ck_hostels_total_capacity_non_negative;
ALTER TABLE hostels DROP CONSTRAINT IF EXISTS ck_hostels_total_rooms_non_negative;
DROP INDEX IF EXISTS uq_book_issues_one_open;
ALTER TABLE book_issues DROP CONSTRAINT IF EXISTS ck_book_issues_return_after_issue;
ALTER TABLE book_issues DROP CONSTRAINT IF EXISTS ck_book_issues_due_after_issue;
ALTER TABLE book_issues DROP CONSTRAINT IF EXISTS ck_book_issues_renewal_count_non_negative;
ALTER TABLE book_issues DROP CONSTRAINT IF EXISTS ck_book_issues_fine_amount_non_negative;
ALTER TABLE library_books DROP CONSTRAINT IF EXISTS ck_library_books_pages_positive;
ALTER TABLE library_books DROP CONSTRAINT IF EXISTS ck_library_books_price_non_negative;
ALTER TABLE library_books DROP CONSTRAINT IF EXISTS ck_library_books_copies;
DROP SEQUENCE IF EXISTS fee_receipt_number_seq;
ALTER TABLE fee_payments DROP CONSTRAINT IF EXISTS ck_fee_payments_discount_non_negative;
ALTER TABLE fee_payments DROP CONSTRAINT IF EXISTS ck_fee_payments_late_fee_non_negative;
ALTER TABLE fee_payments DROP CONSTRAINT IF EXISTS ck_fee_payments_amount_positive;
ALTER TABLE fee_structures DROP CONSTRAINT IF EXISTS ck_fee_structures_total_is_sum;
ALTER TABLE fee_structures DROP CONSTRAINT IF EXISTS ck_fee_structures_late_fee_per_day_non_negative;
ALTER TABLE fee_structures DROP CONSTRAINT IF EXISTS ck_fee_structures_other_fee_non_negative;
ALTER TABLE fee_structures DROP CONSTRAINT IF EXISTS ck_fee_structures_hostel_fee_non_negative;
ALTER TABLE fee_structures DROP CONSTRAINT IF EXISTS ck_fee_structures_examination_fee_non_negative;
ALTER TABLE fee_structures DROP CONSTRAINT IF EXISTS ck_fee_structures_sports_fee_non_negative;
ALTER TABLE fee_structures DROP CONSTRAINT IF EXISTS ck_fee_structures_library_fee_non_negative;
ALTER TABLE fee_structures DROP CONSTRAINT IF EXISTS ck_fee_structures_lab_fee_non_negative;
ALTER TABLE fee_structures DROP CONSTRAINT IF EXISTS ck_fee_structures_tuition_fee_non_negative;
ALTER TABLE fee_structures DROP CONSTRAINT IF EXISTS ck_fee_structures_semester_positive;
ALTER TABLE attendance_summary DROP CONSTRAINT IF EXISTS ck_attendance_summary_month_first_day;
ALTER TABLE attendance_summary DROP CONSTRAINT IF EXISTS ck_attendance_summary_percentage_range;
ALTER TABLE attendance_summary DROP CONSTRAINT IF EXISTS ck_attendance_summary_classes_range;
ALTER TABLE grading_scales DROP CONSTRAINT IF EXISTS ck_grading_scales_grade_point_range;
ALTER TABLE grading_scales DROP CONSTRAINT IF EXISTS ck_grading_scales_min_percentage_range;
ALTER TABLE semester_results DROP CONSTRAINT IF EXISTS ck_semester_results_credits_earned_range;
ALTER TABLE semester_results DROP CONSTRAINT IF EXISTS ck_semester_results_total_credits_attempted_non_negative;
ALTER TABLE semester_results DROP CONSTRAINT IF EXISTS ck_semester_results_cgpa_range;
ALTER TABLE semester_results DROP CONSTRAINT IF EXISTS ck_semester_results_gpa_range;
ALTER TABLE semester_results DROP CONSTRAINT IF EXISTS ck_semester_results_semester_positive;
ALTER TABLE grades DROP CONSTRAINT IF EXISTS ck_grades_marks_obtained_non_negative;
ALTER TABLE assessments DROP CONSTRAINT IF EXISTS ck_assessments_weightage_range;
ALTER TABLE assessments DROP CONSTRAINT IF EXISTS ck_assessments_max_marks_positive;
ALTER TABLE exam_timetables DROP CONSTRAINT IF EXISTS ck_exam_timetables_max_marks_positive;
ALTER TABLE exam_timetables DROP CONSTRAINT IF EXISTS ck_exam_timetables_duration_positive;
ALTER TABLE exam_timetables DROP CONSTRAINT IF EXISTS ck_exam_timetables_times_ordered;
ALTER TABLE exam_schedules DROP CONSTRAINT IF EXISTS ck_exam_schedules_semester_positive;
ALTER TABLE exam_schedules DROP CONSTRAINT IF EXISTS ck_exam_schedules_times_ordered;
DROP INDEX IF EXISTS uq_class_schedules_one_active;
ALTER TABLE timetable_slots DROP CONSTRAINT IF EXISTS ck_timetable_slots_times_ordered;
ALTER TABLE timetable_slots DROP CONSTRAINT IF EXISTS ck_timetable_slots_day_of_week_range;
DROP INDEX IF EXISTS uq_enrollments_one_enrolled;
ALTER TABLE enrollments DROP CONSTRAINT IF EXISTS ck_enrollments_credits_earned_non_negative;
ALTER TABLE enrollments DROP CONSTRAINT IF EXISTS ck_enrollments_grade_point_range;
DROP INDEX IF EXISTS uq_course_offerings_no_section;
ALTER TABLE course_offerings DROP CONSTRAINT IF EXISTS ck_course_offerings_enrolled_within_capacity;
ALTER TABLE course_offerings DROP CONSTRAINT IF EXISTS ck_course_offerings_max_capacity_positive;
ALTER TABLE course_offerings DROP CONSTRAINT IF EXISTS ck_course_offerings_dates_ordered;
ALTER TABLE course_offerings DROP CONSTRAINT IF EXISTS ck_course_offerings_semester_positive;
ALTER TABLE program_courses DROP CONSTRAINT IF EXISTS ck_program_courses_semester_positive;
ALTER TABLE course_prerequisites DROP CONSTRAINT IF EXISTS ck_course_prerequisites_not_self;
ALTER TABLE courses DROP CONSTRAINT IF EXISTS ck_courses_max_students_positive;
ALTER TABLE courses DROP CONSTRAINT IF EXISTS ck_courses_credits_positive;
ALTER TABLE programs DROP CONSTRAINT IF EXISTS ck_programs_total_credits_positive;
ALTER TABLE programs DROP CONSTRAINT IF EXISTS ck_programs_total_semesters_positive;
ALTER TABLE programs DROP CONSTRAINT IF EXISTS ck_programs_duration_years_positive;
ALTER TABLE departments DROP CONSTRAINT IF EXISTS fk_departments_hod_faculty;
ALTER TABLE parents DROP CONSTRAINT IF EXISTS ck_parents_annual_income_non_negative;
ALTER TABLE students DROP CONSTRAINT IF EXISTS ck_students_cgpa_range;
ALTER TABLE students DROP CONSTRAINT IF EXISTS ck_students_semester_positive;
ALTER TABLE faculty DROP CONSTRAINT IF EXISTS ck_faculty_experience_years_non_negative;
ALTER TABLE users DROP CONSTRAINT IF EXISTS ck_users_user_name_length;
"""
