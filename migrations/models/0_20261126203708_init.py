from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "grading_scales" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "letter" VARCHAR(5) NOT NULL UNIQUE,
    "min_percentage" DECIMAL(5,2) NOT NULL UNIQUE,
    "grade_point" DECIMAL(4,2) NOT NULL
);
COMMENT ON TABLE "grading_scales" IS 'A letter grade: awarded from ``min_percentage`` up to the next letter''s threshold.';
CREATE TABLE IF NOT EXISTS "timetable_slots" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "slot_type" VARCHAR(20) NOT NULL,
    "day_of_week" SMALLINT NOT NULL,
    "start_time" TIME NOT NULL,
    "end_time" TIME NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_timetable_s_day_of__2f17a4" ON "timetable_slots" ("day_of_week", "start_time");
COMMENT ON COLUMN "timetable_slots"."slot_type" IS 'LECTURE: lecture\nLAB: lab\nTUTORIAL: tutorial\nBREAK: break';
CREATE TABLE IF NOT EXISTS "universities" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "name" VARCHAR(200) NOT NULL UNIQUE,
    "code" VARCHAR(50) NOT NULL UNIQUE,
    "address" VARCHAR(255),
    "city" VARCHAR(100),
    "state" VARCHAR(100),
    "country" VARCHAR(100),
    "postal_code" VARCHAR(20),
    "phone" VARCHAR(20),
    "email" VARCHAR(255),
    "website" VARCHAR(255),
    "established_year" INT,
    "is_active" BOOL NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_universitie_is_acti_8f951f" ON "universities" ("is_active");
CREATE TABLE IF NOT EXISTS "departments" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "name" VARCHAR(200) NOT NULL UNIQUE,
    "code" VARCHAR(50) NOT NULL UNIQUE,
    "description" TEXT,
    "hod_id" INT,
    "phone" VARCHAR(20),
    "email" VARCHAR(255),
    "building" VARCHAR(100),
    "floor" INT,
    "is_active" BOOL NOT NULL,
    "university_id" INT REFERENCES "universities" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_departments_hod_id_dbdd6f" ON "departments" ("hod_id");
CREATE INDEX IF NOT EXISTS "idx_departments_is_acti_bc5d77" ON "departments" ("is_active");
CREATE INDEX IF NOT EXISTS "idx_departments_univers_f49219" ON "departments" ("university_id");
CREATE TABLE IF NOT EXISTS "courses" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "name" VARCHAR(200) NOT NULL UNIQUE,
    "code" VARCHAR(50) NOT NULL UNIQUE,
    "description" TEXT,
    "syllabus" TEXT,
    "credits" INT NOT NULL,
    "course_type" VARCHAR(20) NOT NULL,
    "level" VARCHAR(20) NOT NULL,
    "max_students" INT,
    "is_active" BOOL NOT NULL,
    "department_id" INT NOT NULL REFERENCES "departments" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_courses_course__070196" ON "courses" ("course_type");
CREATE INDEX IF NOT EXISTS "idx_courses_departm_1a2474" ON "courses" ("department_id");
COMMENT ON COLUMN "courses"."course_type" IS 'CORE: core\nELECTIVE: elective\nMANDATORY: mandatory\nOPTIONAL: optional';
COMMENT ON COLUMN "courses"."level" IS 'BEGINNER: beginner\nINTERMEDIATE: intermediate\nADVANCED: advanced\nEXPERT: expert\nPROFESSIONAL: professional';
CREATE TABLE IF NOT EXISTS "course_prerequisites" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "course_id" INT NOT NULL REFERENCES "courses" ("id") ON DELETE CASCADE,
    "prerequisite_id" INT NOT NULL REFERENCES "courses" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_course_prer_course__64c97b" UNIQUE ("course_id", "prerequisite_id")
);
CREATE INDEX IF NOT EXISTS "idx_course_prer_prerequ_5c3aca" ON "course_prerequisites" ("prerequisite_id");
COMMENT ON TABLE "course_prerequisites" IS '``course`` requires ``prerequisite``. Cycles are refused by the service.';
CREATE TABLE IF NOT EXISTS "exam_schedules" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "exam_name" VARCHAR(200) NOT NULL,
    "exam_type" VARCHAR(20) NOT NULL,
    "academic_year" VARCHAR(20) NOT NULL,
    "semester" INT NOT NULL,
    "start_time" TIMESTAMPTZ NOT NULL,
    "end_time" TIMESTAMPTZ NOT NULL,
    "result_declaration_date" DATE,
    "location" VARCHAR(255),
    "status" VARCHAR(20) NOT NULL,
    "course_id" INT NOT NULL REFERENCES "courses" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_exam_schedu_academi_069e26" ON "exam_schedules" ("academic_year");
CREATE INDEX IF NOT EXISTS "idx_exam_schedu_status_e451a3" ON "exam_schedules" ("status");
CREATE INDEX IF NOT EXISTS "idx_exam_schedu_course__36473f" ON "exam_schedules" ("course_id");
COMMENT ON COLUMN "exam_schedules"."exam_type" IS 'MIDTERM: midterm\nFINAL: final\nSUPPLEMENTARY: supplementary\nIMPROVEMENT: improvement';
COMMENT ON COLUMN "exam_schedules"."status" IS 'DRAFT: draft\nSCHEDULED: scheduled\nONGOING: ongoing\nCOMPLETED: completed\nCANCELLED: cancelled';
COMMENT ON TABLE "exam_schedules" IS 'An examination session for a course (e.g. the 2025-26 semester 3 finals).';
CREATE TABLE IF NOT EXISTS "library_books" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "title" VARCHAR(255) NOT NULL,
    "author" VARCHAR(255) NOT NULL,
    "isbn" VARCHAR(20) NOT NULL UNIQUE,
    "publisher" VARCHAR(255),
    "edition" VARCHAR(50),
    "language" VARCHAR(50),
    "category" VARCHAR(100),
    "rack_no" VARCHAR(20),
    "shelf_no" VARCHAR(20),
    "year_of_publication" INT,
    "pages" INT,
    "price" DECIMAL(12,2),
    "copies_total" INT NOT NULL,
    "copies_available" INT NOT NULL,
    "is_reference" BOOL NOT NULL,
    "description" TEXT,
    "cover_image_url" VARCHAR(500),
    "department_id" INT REFERENCES "departments" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_library_boo_title_17bed6" ON "library_books" ("title");
CREATE INDEX IF NOT EXISTS "idx_library_boo_author_3bee9d" ON "library_books" ("author");
CREATE INDEX IF NOT EXISTS "idx_library_boo_categor_f14c4c" ON "library_books" ("category");
CREATE INDEX IF NOT EXISTS "idx_library_boo_departm_999cd8" ON "library_books" ("department_id");
CREATE TABLE IF NOT EXISTS "programs" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "name" VARCHAR(200) NOT NULL UNIQUE,
    "code" VARCHAR(50) NOT NULL UNIQUE,
    "description" TEXT,
    "degree_type" VARCHAR(20) NOT NULL,
    "duration_years" INT NOT NULL,
    "total_semesters" INT NOT NULL,
    "total_credits" INT NOT NULL,
    "eligibility_criteria" TEXT,
    "is_active" BOOL NOT NULL,
    "department_id" INT NOT NULL REFERENCES "departments" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_programs_departm_92c882" ON "programs" ("department_id");
COMMENT ON COLUMN "programs"."degree_type" IS 'BACHELORS: bachelors\nMASTERS: masters\nPHD: phd\nDIPLOMA: diploma\nCERTIFICATE: certificate';
CREATE TABLE IF NOT EXISTS "course_offerings" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "semester" INT NOT NULL,
    "academic_year" VARCHAR(20) NOT NULL,
    "section" VARCHAR(20),
    "room_number" VARCHAR(50),
    "max_capacity" INT,
    "enrolled_students" INT NOT NULL,
    "schedule" JSONB,
    "status" VARCHAR(20) NOT NULL,
    "start_date" DATE NOT NULL,
    "end_date" DATE NOT NULL,
    "course_id" INT NOT NULL REFERENCES "courses" ("id") ON DELETE RESTRICT,
    "program_id" INT NOT NULL REFERENCES "programs" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_course_offe_course__956c33" UNIQUE ("course_id", "program_id", "academic_year", "semester", "section")
);
CREATE INDEX IF NOT EXISTS "idx_course_offe_semeste_ed32be" ON "course_offerings" ("semester");
CREATE INDEX IF NOT EXISTS "idx_course_offe_academi_c2f58f" ON "course_offerings" ("academic_year");
CREATE INDEX IF NOT EXISTS "idx_course_offe_program_c4dd88" ON "course_offerings" ("program_id", "semester");
COMMENT ON COLUMN "course_offerings"."status" IS 'DRAFT: draft\nOPEN: open\nONGOING: ongoing\nCOMPLETED: completed\nCANCELLED: cancelled';
COMMENT ON TABLE "course_offerings" IS 'A course taught for a program in one academic year and semester (Ref `program_courses`).';
CREATE TABLE IF NOT EXISTS "assessments" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "name" VARCHAR(200) NOT NULL,
    "assessment_type" VARCHAR(20) NOT NULL,
    "description" TEXT,
    "max_marks" DECIMAL(10,2) NOT NULL,
    "weightage" DECIMAL(6,2) NOT NULL,
    "date" DATE NOT NULL,
    "course_offering_id" INT NOT NULL REFERENCES "course_offerings" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_assessments_course__cefa3d" UNIQUE ("course_offering_id", "name")
);
CREATE INDEX IF NOT EXISTS "idx_assessments_assessm_b34eff" ON "assessments" ("assessment_type");
COMMENT ON COLUMN "assessments"."assessment_type" IS 'QUIZ: quiz\nASSIGNMENT: assignment\nMIDTERM: midterm\nFINAL: final\nPROJECT: project\nPRESENTATION: presentation';
CREATE TABLE IF NOT EXISTS "class_schedules" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "room_no" VARCHAR(50) NOT NULL,
    "is_active" BOOL NOT NULL,
    "course_offering_id" INT NOT NULL REFERENCES "course_offerings" ("id") ON DELETE RESTRICT,
    "slot_id" INT NOT NULL REFERENCES "timetable_slots" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_class_sched_room_no_d43b1e" ON "class_schedules" ("room_no");
CREATE INDEX IF NOT EXISTS "idx_class_sched_is_acti_c115f2" ON "class_schedules" ("is_active");
CREATE INDEX IF NOT EXISTS "idx_class_sched_course__456e60" ON "class_schedules" ("course_offering_id");
CREATE INDEX IF NOT EXISTS "idx_class_sched_slot_id_f047ed" ON "class_schedules" ("slot_id", "room_no");
COMMENT ON TABLE "class_schedules" IS 'An offering taught in a room during a slot, every week.';
CREATE TABLE IF NOT EXISTS "exam_timetables" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "exam_date" DATE NOT NULL,
    "start_time" TIMESTAMPTZ NOT NULL,
    "end_time" TIMESTAMPTZ NOT NULL,
    "duration_minutes" INT NOT NULL,
    "venue" VARCHAR(100) NOT NULL,
    "max_marks" DECIMAL(6,2) NOT NULL,
    "course_offering_id" INT NOT NULL REFERENCES "course_offerings" ("id") ON DELETE RESTRICT,
    "exam_schedule_id" INT NOT NULL REFERENCES "exam_schedules" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_exam_timeta_exam_da_f01d79" ON "exam_timetables" ("exam_date");
CREATE INDEX IF NOT EXISTS "idx_exam_timeta_course__ba5cce" ON "exam_timetables" ("course_offering_id");
CREATE INDEX IF NOT EXISTS "idx_exam_timeta_exam_sc_5d5318" ON "exam_timetables" ("exam_schedule_id");
COMMENT ON TABLE "exam_timetables" IS 'One sitting of an exam session for one course offering.';
CREATE TABLE IF NOT EXISTS "program_courses" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "semester" INT NOT NULL,
    "is_mandatory" BOOL NOT NULL,
    "course_id" INT NOT NULL REFERENCES "courses" ("id") ON DELETE RESTRICT,
    "program_id" INT NOT NULL REFERENCES "programs" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_program_cou_program_4acac2" UNIQUE ("program_id", "course_id", "semester")
);
CREATE INDEX IF NOT EXISTS "idx_program_cou_semeste_5a013b" ON "program_courses" ("semester");
CREATE INDEX IF NOT EXISTS "idx_program_cou_course__7db3a2" ON "program_courses" ("course_id");
COMMENT ON TABLE "program_courses" IS 'The curriculum: which course a program teaches in which semester.';
CREATE TABLE IF NOT EXISTS "users" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "user_type" VARCHAR(20) NOT NULL,
    "email" VARCHAR(255) NOT NULL UNIQUE,
    "user_name" VARCHAR(50) NOT NULL UNIQUE,
    "hashed_password" VARCHAR(255) NOT NULL,
    "first_name" VARCHAR(100) NOT NULL,
    "middle_name" VARCHAR(100),
    "last_name" VARCHAR(100) NOT NULL,
    "date_of_birth" DATE,
    "gender" VARCHAR(20),
    "phone" VARCHAR(20) UNIQUE,
    "emergency_contact" VARCHAR(100),
    "address" VARCHAR(255),
    "city" VARCHAR(100),
    "state" VARCHAR(100),
    "country" VARCHAR(100),
    "postal_code" VARCHAR(20),
    "profile_picture" VARCHAR(500),
    "is_active" BOOL NOT NULL,
    "is_verified" BOOL NOT NULL,
    "last_login" TIMESTAMPTZ,
    "created_by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    "updated_by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_users_user_ty_392c2b" ON "users" ("user_type");
CREATE INDEX IF NOT EXISTS "idx_users_is_acti_7e4021" ON "users" ("is_active");
COMMENT ON COLUMN "users"."user_type" IS 'ADMIN: admin\nSTAFF: staff\nSTUDENT: student\nFACULTY: faculty\nPARENT: parent';
COMMENT ON COLUMN "users"."gender" IS 'MALE: male\nFEMALE: female\nOTHER: other';
CREATE TABLE IF NOT EXISTS "admin_staff" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "employee_id" VARCHAR(50) NOT NULL UNIQUE,
    "role" VARCHAR(20) NOT NULL,
    "designation" VARCHAR(100) NOT NULL,
    "date_of_joining" DATE NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "department_id" INT REFERENCES "departments" ("id") ON DELETE SET NULL,
    "user_id" INT NOT NULL UNIQUE REFERENCES "users" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_admin_staff_role_ab5749" ON "admin_staff" ("role");
CREATE INDEX IF NOT EXISTS "idx_admin_staff_status_0e4bd1" ON "admin_staff" ("status");
CREATE INDEX IF NOT EXISTS "idx_admin_staff_departm_dc5c7c" ON "admin_staff" ("department_id");
COMMENT ON COLUMN "admin_staff"."role" IS 'SUPER_ADMIN: super_admin\nREGISTRAR: registrar\nACCOUNTANT: accountant\nLIBRARIAN: librarian\nWARDEN: warden\nSTAFF: staff';
COMMENT ON COLUMN "admin_staff"."status" IS 'ACTIVE: active\nINACTIVE: inactive\nPENDING: pending\nSUSPENDED: suspended\nGRADUATED: graduated\nDROPPED: dropped\nTRANSFERRED: transferred';
CREATE TABLE IF NOT EXISTS "audit_logs" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "action" VARCHAR(50) NOT NULL,
    "entity_name" VARCHAR(255) NOT NULL,
    "entity_type" VARCHAR(50) NOT NULL,
    "entity_id" INT NOT NULL,
    "old_value" JSONB,
    "new_value" JSONB,
    "ip_address" VARCHAR(45),
    "user_agent" VARCHAR(500),
    "timestamp" TIMESTAMPTZ NOT NULL,
    "user_id" INT REFERENCES "users" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_audit_logs_timesta_233d58" ON "audit_logs" ("timestamp");
CREATE INDEX IF NOT EXISTS "idx_audit_logs_user_id_f7db5c" ON "audit_logs" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_audit_logs_entity__1b0d2b" ON "audit_logs" ("entity_type", "entity_id");
COMMENT ON TABLE "audit_logs" IS 'One create/update/delete made through a service. Never updated or deleted.';
CREATE TABLE IF NOT EXISTS "book_issues" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "issue_date" TIMESTAMPTZ NOT NULL,
    "due_date" TIMESTAMPTZ NOT NULL,
    "return_date" TIMESTAMPTZ,
    "fine_amount" DECIMAL(12,2) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "remarks" TEXT,
    "renewal_count" INT NOT NULL,
    "book_id" INT NOT NULL REFERENCES "library_books" ("id") ON DELETE RESTRICT,
    "issued_by_id" INT NOT NULL REFERENCES "admin_staff" ("id") ON DELETE RESTRICT,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_book_issues_issue_d_471945" ON "book_issues" ("issue_date");
CREATE INDEX IF NOT EXISTS "idx_book_issues_book_id_02d880" ON "book_issues" ("book_id");
CREATE INDEX IF NOT EXISTS "idx_book_issues_issued__69f5a6" ON "book_issues" ("issued_by_id");
CREATE INDEX IF NOT EXISTS "idx_book_issues_user_id_4fcf09" ON "book_issues" ("user_id", "status");
CREATE INDEX IF NOT EXISTS "idx_book_issues_status_a2267b" ON "book_issues" ("status", "due_date");
COMMENT ON COLUMN "book_issues"."status" IS 'ISSUED: issued\nRETURNED: returned\nOVERDUE: overdue\nLOST: lost';
COMMENT ON TABLE "book_issues" IS 'A loan of one copy of a book to a user (any user may borrow).';
CREATE TABLE IF NOT EXISTS "documents" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "title" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "document_type" VARCHAR(20) NOT NULL,
    "file_path" VARCHAR(500) NOT NULL,
    "file_name" VARCHAR(255) NOT NULL,
    "file_size" INT NOT NULL,
    "mime_type" VARCHAR(100),
    "related_entity_type" VARCHAR(50),
    "related_entity_id" INT,
    "is_public" BOOL NOT NULL,
    "access_level" VARCHAR(20),
    "tags" JSONB,
    "uploaded_at" TIMESTAMPTZ NOT NULL,
    "uploaded_by_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_documents_documen_9db149" ON "documents" ("document_type");
CREATE INDEX IF NOT EXISTS "idx_documents_uploade_1bec31" ON "documents" ("uploaded_at");
CREATE INDEX IF NOT EXISTS "idx_documents_uploade_cf9bbc" ON "documents" ("uploaded_by_id");
CREATE INDEX IF NOT EXISTS "idx_documents_user_id_a6d509" ON "documents" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_documents_related_5a814d" ON "documents" ("related_entity_type", "related_entity_id");
COMMENT ON COLUMN "documents"."document_type" IS 'CERTIFICATE: certificate\nTRANSCRIPT: transcript\nID_CARD: id_card\nREPORT: report\nOTHER: other';
COMMENT ON COLUMN "documents"."access_level" IS 'PRIVATE: private\nINTERNAL: internal\nPUBLIC: public';
CREATE TABLE IF NOT EXISTS "faculty" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "employee_id" VARCHAR(50) NOT NULL UNIQUE,
    "designation" VARCHAR(100) NOT NULL,
    "specialization" VARCHAR(255),
    "qualification" VARCHAR(255),
    "date_of_joining" DATE,
    "employment_type" VARCHAR(20) NOT NULL,
    "experience_years" INT,
    "is_hod" BOOL NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "department_id" INT NOT NULL REFERENCES "departments" ("id") ON DELETE RESTRICT,
    "user_id" INT NOT NULL UNIQUE REFERENCES "users" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_faculty_status_e77f15" ON "faculty" ("status");
CREATE INDEX IF NOT EXISTS "idx_faculty_departm_369d9c" ON "faculty" ("department_id");
COMMENT ON COLUMN "faculty"."employment_type" IS 'PERMANENT: permanent\nCONTRACT: contract\nVISITING: visiting\nPARTTIME: parttime';
COMMENT ON COLUMN "faculty"."status" IS 'ACTIVE: active\nINACTIVE: inactive\nSUSPENDED: suspended\nRETIRED: retired\nTERMINATED: terminated';
CREATE TABLE IF NOT EXISTS "hostels" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "name" VARCHAR(100) NOT NULL UNIQUE,
    "hostel_type" VARCHAR(20) NOT NULL,
    "address" VARCHAR(255),
    "total_rooms" INT NOT NULL,
    "total_capacity" INT NOT NULL,
    "occupied_capacity" INT NOT NULL,
    "amenities" JSONB,
    "rules" JSONB,
    "is_active" BOOL NOT NULL,
    "warden_id" INT REFERENCES "admin_staff" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_hostels_hostel__d94aa3" ON "hostels" ("hostel_type");
CREATE INDEX IF NOT EXISTS "idx_hostels_is_acti_c7628c" ON "hostels" ("is_active");
CREATE INDEX IF NOT EXISTS "idx_hostels_warden__274904" ON "hostels" ("warden_id");
COMMENT ON COLUMN "hostels"."hostel_type" IS 'BOYS: boys\nGIRLS: girls\nUNISEX: unisex';
CREATE TABLE IF NOT EXISTS "hostel_rooms" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "room_number" VARCHAR(20) NOT NULL,
    "room_type" VARCHAR(20) NOT NULL,
    "floor" INT,
    "capacity" INT NOT NULL,
    "occupied_beds" INT NOT NULL,
    "room_fee" DECIMAL(12,2) NOT NULL,
    "amenities" JSONB,
    "status" VARCHAR(20) NOT NULL,
    "is_active" BOOL NOT NULL,
    "hostel_id" INT NOT NULL REFERENCES "hostels" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_hostel_room_hostel__6bdd13" UNIQUE ("hostel_id", "room_number")
);
CREATE INDEX IF NOT EXISTS "idx_hostel_room_status_17d4b3" ON "hostel_rooms" ("status");
CREATE INDEX IF NOT EXISTS "idx_hostel_room_is_acti_718a14" ON "hostel_rooms" ("is_active");
COMMENT ON COLUMN "hostel_rooms"."room_type" IS 'SINGLE: single\nDOUBLE: double\nTRIPLE: triple\nQUAD: quad';
COMMENT ON COLUMN "hostel_rooms"."status" IS 'AVAILABLE: available\nOCCUPIED: occupied\nMAINTENANCE: maintenance\nRESERVED: reserved';
CREATE TABLE IF NOT EXISTS "notifications" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "title" VARCHAR(255) NOT NULL,
    "message" TEXT NOT NULL,
    "notification_type" VARCHAR(20) NOT NULL,
    "target_audience" VARCHAR(20),
    "target_user_ids" JSONB,
    "priority" VARCHAR(20) NOT NULL,
    "scheduled_at" TIMESTAMPTZ,
    "sent_at" TIMESTAMPTZ,
    "status" VARCHAR(20) NOT NULL,
    "sent_by_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_notificatio_notific_4c14ec" ON "notifications" ("notification_type");
CREATE INDEX IF NOT EXISTS "idx_notificatio_status_7f8af2" ON "notifications" ("status");
CREATE INDEX IF NOT EXISTS "idx_notificatio_sent_by_156720" ON "notifications" ("sent_by_id");
COMMENT ON COLUMN "notifications"."notification_type" IS 'INFO: info\nWARNING: warning\nURGENT: urgent\nANNOUNCEMENT: announcement';
COMMENT ON COLUMN "notifications"."target_audience" IS 'ALL: all\nSTUDENTS: students\nFACULTY: faculty\nSTAFF: staff\nSPECIFIC: specific';
COMMENT ON COLUMN "notifications"."priority" IS 'LOW: low\nMEDIUM: medium\nHIGH: high';
COMMENT ON COLUMN "notifications"."status" IS 'DRAFT: draft\nSCHEDULED: scheduled\nSENT: sent\nFAILED: failed';
CREATE TABLE IF NOT EXISTS "offering_faculty" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "faculty_id" INT NOT NULL REFERENCES "faculty" ("id") ON DELETE RESTRICT,
    "offering_id" INT NOT NULL REFERENCES "course_offerings" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_offering_fa_offerin_a7963e" UNIQUE ("offering_id", "faculty_id")
);
CREATE INDEX IF NOT EXISTS "idx_offering_fa_faculty_9e3660" ON "offering_faculty" ("faculty_id");
COMMENT ON TABLE "offering_faculty" IS 'A faculty member teaching an offering.';
CREATE TABLE IF NOT EXISTS "parents" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "father_name" VARCHAR(100) NOT NULL,
    "mother_name" VARCHAR(100) NOT NULL,
    "father_occupation" VARCHAR(100),
    "mother_occupation" VARCHAR(100),
    "father_contact" VARCHAR(20),
    "mother_contact" VARCHAR(20),
    "address" VARCHAR(255),
    "city" VARCHAR(100),
    "state" VARCHAR(100),
    "country" VARCHAR(100),
    "postal_code" VARCHAR(20),
    "annual_income" DECIMAL(12,2),
    "user_id" INT NOT NULL UNIQUE REFERENCES "users" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_parents_father__b499b8" ON "parents" ("father_name");
CREATE INDEX IF NOT EXISTS "idx_parents_mother__cdff2a" ON "parents" ("mother_name");
CREATE TABLE IF NOT EXISTS "students" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "student_code" VARCHAR(50) NOT NULL UNIQUE,
    "admission_number" VARCHAR(50) NOT NULL UNIQUE,
    "admission_date" DATE NOT NULL,
    "batch_year" INT NOT NULL,
    "semester" INT NOT NULL,
    "section" VARCHAR(20),
    "blood_group" VARCHAR(10),
    "nationality" VARCHAR(100),
    "religion" VARCHAR(100),
    "category" VARCHAR(20),
    "status" VARCHAR(20) NOT NULL,
    "cgpa" DECIMAL(4,2),
    "department_id" INT NOT NULL REFERENCES "departments" ("id") ON DELETE RESTRICT,
    "guardian_id" INT REFERENCES "parents" ("id") ON DELETE SET NULL,
    "hostel_id" INT REFERENCES "hostels" ("id") ON DELETE SET NULL,
    "parent_id" INT REFERENCES "parents" ("id") ON DELETE SET NULL,
    "program_id" INT NOT NULL REFERENCES "programs" ("id") ON DELETE RESTRICT,
    "user_id" INT NOT NULL UNIQUE REFERENCES "users" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_students_batch_y_4567b7" ON "students" ("batch_year");
CREATE INDEX IF NOT EXISTS "idx_students_status_a57246" ON "students" ("status");
CREATE INDEX IF NOT EXISTS "idx_students_guardia_c13fe0" ON "students" ("guardian_id");
CREATE INDEX IF NOT EXISTS "idx_students_hostel__912496" ON "students" ("hostel_id");
CREATE INDEX IF NOT EXISTS "idx_students_parent__3f1df7" ON "students" ("parent_id");
CREATE INDEX IF NOT EXISTS "idx_students_departm_00bd5b" ON "students" ("department_id", "id");
CREATE INDEX IF NOT EXISTS "idx_students_program_a55ea6" ON "students" ("program_id", "id");
COMMENT ON COLUMN "students"."category" IS 'GENERAL: general\nOBC: obc\nSC: sc\nST: st\nEWS: ews\nOTHER: other';
COMMENT ON COLUMN "students"."status" IS 'ACTIVE: active\nINACTIVE: inactive\nPENDING: pending\nSUSPENDED: suspended\nGRADUATED: graduated\nDROPPED: dropped\nTRANSFERRED: transferred';
CREATE TABLE IF NOT EXISTS "enrollments" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "enrollment_date" TIMESTAMPTZ NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "grade" VARCHAR(5),
    "grade_point" DECIMAL(4,2),
    "credits_earned" INT NOT NULL,
    "remarks" TEXT,
    "program_id" INT NOT NULL REFERENCES "programs" ("id") ON DELETE RESTRICT,
    "student_id" INT NOT NULL REFERENCES "students" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_enrollments_status_e7cb39" ON "enrollments" ("status");
CREATE INDEX IF NOT EXISTS "idx_enrollments_program_c0274f" ON "enrollments" ("program_id");
CREATE INDEX IF NOT EXISTS "idx_enrollments_student_c03079" ON "enrollments" ("student_id");
COMMENT ON COLUMN "enrollments"."status" IS 'ENROLLED: enrolled\nDROPPED: dropped\nCOMPLETED: completed\nFAILED: failed';
COMMENT ON TABLE "enrollments" IS 'A student enrolled in a program.';
CREATE TABLE IF NOT EXISTS "attendance" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "date" DATE NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "remarks" TEXT,
    "marked_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "course_offering_id" INT NOT NULL REFERENCES "course_offerings" ("id") ON DELETE RESTRICT,
    "enrollment_id" INT NOT NULL REFERENCES "enrollments" ("id") ON DELETE RESTRICT,
    "marked_by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    "student_id" INT NOT NULL REFERENCES "students" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_attendance_enrollm_6ff225" UNIQUE ("enrollment_id", "date", "course_offering_id")
);
CREATE INDEX IF NOT EXISTS "idx_attendance_date_c47d58" ON "attendance" ("date");
CREATE INDEX IF NOT EXISTS "idx_attendance_status_79bc24" ON "attendance" ("status");
CREATE INDEX IF NOT EXISTS "idx_attendance_course__d52bf7" ON "attendance" ("course_offering_id", "date");
CREATE INDEX IF NOT EXISTS "idx_attendance_student_e36906" ON "attendance" ("student_id", "date");
COMMENT ON COLUMN "attendance"."status" IS 'PRESENT: present\nABSENT: absent\nLATE: late\nEXCUSED: excused';
COMMENT ON TABLE "attendance" IS 'One mark for an enrollment in a course offering on a day.';
CREATE TABLE IF NOT EXISTS "attendance_summary" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "total_classes" INT NOT NULL,
    "attended_classes" INT NOT NULL,
    "attendance_percentage" DECIMAL(5,2) NOT NULL,
    "month" DATE NOT NULL,
    "enrollment_id" INT NOT NULL REFERENCES "enrollments" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_attendance__enrollm_a72695" UNIQUE ("enrollment_id", "month")
);
COMMENT ON TABLE "attendance_summary" IS 'Attendance of an enrollment over one calendar month.';
CREATE TABLE IF NOT EXISTS "course_registrations" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "status" VARCHAR(20) NOT NULL,
    "registered_at" TIMESTAMPTZ NOT NULL,
    "course_offering_id" INT NOT NULL REFERENCES "course_offerings" ("id") ON DELETE RESTRICT,
    "enrollment_id" INT NOT NULL REFERENCES "enrollments" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_course_regi_enrollm_c861c6" UNIQUE ("enrollment_id", "course_offering_id")
);
CREATE INDEX IF NOT EXISTS "idx_course_regi_course__7fb888" ON "course_registrations" ("course_offering_id", "status");
COMMENT ON COLUMN "course_registrations"."status" IS 'REGISTERED: registered\nDROPPED: dropped\nCOMPLETED: completed';
COMMENT ON TABLE "course_registrations" IS 'An enrollment on the roster of one course offering.';
CREATE TABLE IF NOT EXISTS "fee_structures" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "academic_year" VARCHAR(20) NOT NULL,
    "semester" INT NOT NULL,
    "tuition_fee" DECIMAL(12,2) NOT NULL,
    "lab_fee" DECIMAL(12,2) NOT NULL,
    "library_fee" DECIMAL(12,2) NOT NULL,
    "sports_fee" DECIMAL(12,2) NOT NULL,
    "examination_fee" DECIMAL(12,2) NOT NULL,
    "hostel_fee" DECIMAL(12,2),
    "other_fee" DECIMAL(12,2),
    "total_fee" DECIMAL(12,2) NOT NULL,
    "due_date" DATE NOT NULL,
    "late_fee_per_day" DECIMAL(12,2) NOT NULL,
    "program_id" INT NOT NULL REFERENCES "programs" ("id") ON DELETE RESTRICT,
    "student_id" INT NOT NULL REFERENCES "students" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_fee_structu_program_b9787a" UNIQUE ("program_id", "student_id", "academic_year", "semester")
);
CREATE INDEX IF NOT EXISTS "idx_fee_structu_academi_938408" ON "fee_structures" ("academic_year");
CREATE INDEX IF NOT EXISTS "idx_fee_structu_semeste_8b2dff" ON "fee_structures" ("semester");
CREATE INDEX IF NOT EXISTS "idx_fee_structu_student_efe587" ON "fee_structures" ("student_id");
COMMENT ON TABLE "fee_structures" IS 'What one student owes for one program semester.';
CREATE TABLE IF NOT EXISTS "fee_payments" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "amount_paid" DECIMAL(12,2) NOT NULL,
    "payment_date" DATE NOT NULL,
    "payment_mode" VARCHAR(20) NOT NULL,
    "transaction_id" VARCHAR(100) NOT NULL UNIQUE,
    "receipt_number" VARCHAR(50) NOT NULL UNIQUE,
    "late_fee" DECIMAL(12,2) NOT NULL,
    "discount" DECIMAL(12,2) NOT NULL,
    "payment_status" VARCHAR(20) NOT NULL,
    "remarks" TEXT,
    "fee_structure_id" INT NOT NULL REFERENCES "fee_structures" ("id") ON DELETE RESTRICT,
    "processed_by_id" INT NOT NULL REFERENCES "admin_staff" ("id") ON DELETE RESTRICT,
    "student_id" INT NOT NULL REFERENCES "students" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_fee_payment_payment_c431d6" ON "fee_payments" ("payment_date");
CREATE INDEX IF NOT EXISTS "idx_fee_payment_payment_81bedd" ON "fee_payments" ("payment_status");
CREATE INDEX IF NOT EXISTS "idx_fee_payment_fee_str_0222c7" ON "fee_payments" ("fee_structure_id");
CREATE INDEX IF NOT EXISTS "idx_fee_payment_process_bef21c" ON "fee_payments" ("processed_by_id");
CREATE INDEX IF NOT EXISTS "idx_fee_payment_student_a3d859" ON "fee_payments" ("student_id", "id");
COMMENT ON COLUMN "fee_payments"."payment_mode" IS 'CASH: cash\nCARD: card\nUPI: upi\nBANK_TRANSFER: bank_transfer\nCHEQUE: cheque\nONLINE: online';
COMMENT ON COLUMN "fee_payments"."payment_status" IS 'PENDING: pending\nCOMPLETED: completed\nFAILED: failed\nREFUNDED: refunded';
CREATE TABLE IF NOT EXISTS "grades" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "marks_obtained" DECIMAL(6,2) NOT NULL,
    "remarks" TEXT,
    "graded_at" TIMESTAMPTZ NOT NULL,
    "assessment_id" INT NOT NULL REFERENCES "assessments" ("id") ON DELETE RESTRICT,
    "course_id" INT NOT NULL REFERENCES "courses" ("id") ON DELETE RESTRICT,
    "course_offering_id" INT NOT NULL REFERENCES "course_offerings" ("id") ON DELETE RESTRICT,
    "enrollment_id" INT NOT NULL REFERENCES "enrollments" ("id") ON DELETE RESTRICT,
    "graded_by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_grades_enrollm_bce3b2" UNIQUE ("enrollment_id", "assessment_id")
);
CREATE INDEX IF NOT EXISTS "idx_grades_assessm_9aae73" ON "grades" ("assessment_id");
CREATE INDEX IF NOT EXISTS "idx_grades_course__ccfe60" ON "grades" ("course_id");
CREATE INDEX IF NOT EXISTS "idx_grades_course__c180f2" ON "grades" ("course_offering_id");
COMMENT ON TABLE "grades" IS 'Marks of one enrollment in one assessment.';
CREATE TABLE IF NOT EXISTS "hostel_allocations" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "allocation_date" TIMESTAMPTZ NOT NULL,
    "release_date" TIMESTAMPTZ,
    "academic_year" VARCHAR(20) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "remarks" TEXT,
    "hostel_id" INT NOT NULL REFERENCES "hostels" ("id") ON DELETE RESTRICT,
    "room_id" INT NOT NULL REFERENCES "hostel_rooms" ("id") ON DELETE RESTRICT,
    "student_id" INT NOT NULL REFERENCES "students" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_hostel_allo_status_ab6e65" ON "hostel_allocations" ("status");
CREATE INDEX IF NOT EXISTS "idx_hostel_allo_hostel__9cc1de" ON "hostel_allocations" ("hostel_id");
CREATE INDEX IF NOT EXISTS "idx_hostel_allo_room_id_e35af5" ON "hostel_allocations" ("room_id");
CREATE INDEX IF NOT EXISTS "idx_hostel_allo_student_530529" ON "hostel_allocations" ("student_id");
COMMENT ON COLUMN "hostel_allocations"."status" IS 'ACTIVE: active\nVACATED: vacated\nTRANSFERRED: transferred';
COMMENT ON TABLE "hostel_allocations" IS 'A stay of a student in a room. Rows are kept: vacate and transfer close them.';
CREATE TABLE IF NOT EXISTS "semester_results" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "academic_year" VARCHAR(20) NOT NULL,
    "semester" INT NOT NULL,
    "gpa" DECIMAL(4,2) NOT NULL,
    "cgpa" DECIMAL(4,2) NOT NULL,
    "total_credits_attempted" INT,
    "total_credits_earned" INT,
    "status" VARCHAR(20) NOT NULL,
    "remarks" TEXT,
    "published_at" TIMESTAMPTZ,
    "enrollment_id" INT NOT NULL REFERENCES "enrollments" ("id") ON DELETE RESTRICT,
    "published_by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    "student_id" INT NOT NULL REFERENCES "students" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_semester_re_student_db34a4" UNIQUE ("student_id", "semester")
);
CREATE INDEX IF NOT EXISTS "idx_semester_re_semeste_ea1242" ON "semester_results" ("semester");
CREATE INDEX IF NOT EXISTS "idx_semester_re_enrollm_055bd9" ON "semester_results" ("enrollment_id");
COMMENT ON COLUMN "semester_results"."status" IS 'PASS: pass\nFAIL: fail\nPROMOTED: promoted\nDETAINED: detained';
CREATE TABLE IF NOT EXISTS "system_logs" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "log_level" VARCHAR(20) NOT NULL,
    "message" TEXT NOT NULL,
    "module" VARCHAR(255),
    "function" VARCHAR(255),
    "stack_trace" TEXT,
    "request_id" VARCHAR(64),
    "timestamp" TIMESTAMPTZ NOT NULL,
    "user_id" INT REFERENCES "users" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_system_logs_log_lev_07caf7" ON "system_logs" ("log_level");
CREATE INDEX IF NOT EXISTS "idx_system_logs_request_4b81c7" ON "system_logs" ("request_id");
CREATE INDEX IF NOT EXISTS "idx_system_logs_timesta_525890" ON "system_logs" ("timestamp");
CREATE INDEX IF NOT EXISTS "idx_system_logs_user_id_4783fc" ON "system_logs" ("user_id");
COMMENT ON COLUMN "system_logs"."log_level" IS 'DEBUG: debug\nINFO: info\nWARNING: warning\nERROR: error\nCRITICAL: critical';
CREATE TABLE IF NOT EXISTS "user_notifications" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ,
    "is_read" BOOL NOT NULL,
    "read_at" TIMESTAMPTZ,
    "notification_id" INT NOT NULL REFERENCES "notifications" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_user_notifi_user_id_d81124" UNIQUE ("user_id", "notification_id")
);
CREATE INDEX IF NOT EXISTS "idx_user_notifi_notific_db0a65" ON "user_notifications" ("notification_id");
CREATE INDEX IF NOT EXISTS "idx_user_notifi_user_id_e6fe56" ON "user_notifications" ("user_id", "is_read");
COMMENT ON TABLE "user_notifications" IS 'A recipient''s copy of a notification (their inbox row).';
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXVuX4ri1/itevJyZter0mal0TbJ4c4GrmoQCwqUnSZPlNrYonDYy40t1k2T++5F8wx"
    "fZSGBAdutlejDewvVJlvbe3778p7O1DWC572Rja8KZp63Xna70nw7UtgD9D+HbO6mj7XaH"
    "7/AFT1tZwe0avk91kxtXrudouoe+WmuWC9AlA7i6Y+4804boKvQtC1+0dXSjCV8Pl3xo/u"
    "YD1bNfgbcBDvri0z/RZRMa4Btw44+7L+raBJaReWbTwL8dXFe9/S64NoDeU3Aj/rWVqtuW"
    "v4WHm3d7b2PD5G4TevjqK4DA0TyAh/ccHz8+frroj43/ovBJD7eEj5iSMcBa8y0v9eeu1M"
    "O1jqqOxnN1psxVtcMAkG5DDC56VDf461/xI/zv/c/v//j+T3/45f2f0C3BYyZX/vh7+NMH"
    "YELBAJ7RvPN78L3maeEdAcYHUHUHYCRUzSuC20ffeOYWkBHOSuaQNiLRd/H/5HGPUa4CPr"
    "5wQP6w2q4BPfoDjTG09tGUV+A8H7wos7n8MsE/t3Xd36wAP3mu4G/ug6v73NUffvkRX7fR"
    "ixS+ZMkg0q+D+QcJf5T+MR4pAby26706wS8e7pv/o4OfSfM9W4X2V1UzUqszvhqjhu48zL"
    "q/M06c9axkDbMePS4vk96QSY4xqZxlsN1Z9h4AlbRz9jaaQ57inFhujhFYp7zLt91Et9o3"
    "1QLw1dugjw8/VUzyR3na+yBPf3j4KTdxo+ib++Cr3zNAO7YFyAgr0N8GKA/QA2lQBwW0Y9"
    "l6YC6+PTXg3JktJspUlfsvg1FXcv0dcNRAI1jCqfI8mM2n8rQrOeDVxKA7Syj3euPFaC6P"
    "5l1J03Xbh+hv95ZwOHhEtw5kNIplrtCtpobG+FWe9hV06avmGAB9Rsv+6Qn9TqxtsM7vPc"
    "383pfP731hfhEc5ivUAjgYXqSc2KVm+LqHYgbqn3+iwRrdVQp28F0ObYSGaq/Vf9kmxI9C"
    "PKFKEC+KVh1RDcS/Am585uSgRO+Q57unbk0H6attTh1kVZhv8aNQb1Bybz74qODNBksv4W"
    "AUXzFhfG2ijPqD0XNX2gFoIIjRRrOY4YtKH29qLr4MjCV8nsr9BYISXX11NMPHf+AS9qfj"
    "yQRfMxx7t8NX0K43mj0p0ym+imYIumvgOMDgZcvaaY63BdAjnv6ldlNB7rgJdZJS1zwbKq"
    "U9u+gAZEI1JXESnpypUzXgia389ReiSXpYgkWEn2wHoDP1L2Bf2LpywEYejn5msEYt29/j"
    "VRRfPfy+o31NHCTFVxahgP524AU4oKeQRovhsBNAvtL0L1jPUkuwN13XR9bdyra/EI6Nx0"
    "j66S9TYJXpNRHwj2iIAR6tuYdsAfnMLrBzbB24LkJrp+0x+mcC9gTAJByorYiFCj4CbIMM"
    "3cjFeDpeH4JBGuthKEKF30/73ia+l/gAKcI1hmBuo/9Q7oWLaJBGHTa0u2DqiM3sf1MF2a"
    "eD3jy3/2WBxl9t77f5KxrUXoM/GD8afpDYbY5ee9cNXlWSU/3w7V2lUz25z63fqf4J4eg7"
    "LraGkFoa2ULBg/5T+NuFv53HM0T424W/nddJpvK3B/8W5rfcPxjf30LH4D2VY/C+wjF4X3"
    "QMHg7MECsi1MfdWoRheHa+/3Ux+EdX+s03/72E8mw2eB69KIFj3cXeZfxnLOHLoD9Xpi9d"
    "aWsaHnC2S/g0GMlD9Egm1KwlnEzHf1Z6SAgZLf8CuoevKDM0jDwfjEf4MnDRQInGzYP/6g"
    "BCYZ7n4Fup+yojdtK8NmiHVP42z2yOMaI/vMh/+zGzQQ7Ho+f49tQM9IbjxxzyeGK3mkOy"
    "//tAN7eaRYY+I5c/qELBd9EADdzeqvzuSm/wIg9/+Pmnu/sAdAS5GRof8XS8L6zvr8B83X"
    "jIvGBEOSP3PaL8CwPIMcfDQh9995xRzm5kc3SThevxed9awbms15tgrp/p+u4FI45TAzYM"
    "cVrXD3nR0XiBSuYC837gTPfkMx6jRaAT3JM1OtQ8D0AjWM4kh9rh27tKh1r2vmP+NOw+lb"
    "DGIq1tR9KgBKBjWxbWqCUTSpoUrispXleSjS8a2v5dXkU+faQlXMKRLX3+fPDufP7cRZ/x"
    "aNFHyXQlbwPQSC5wPCk4iTp3JV6/wy8HDxkdWPnNJe8DLHgLo3cokEf3fkKqs28cGKbwuv"
    "AcXtNzyK8ycwM6oK3xLyf4ByJLPjHil1B+DC+gHTD4PETAdCV0YIElVP7WW8xwxAr4pvsu"
    "L9EqDiixOMst/ZSIsPJPsfKj84XVIZ0RFCwELw5qwUIIFkLY79eMAjxo2mwQF+QEugR0o2"
    "NmtWcDNy92oejVRkObNeUogc0KiSV73KGXtcTP9OUpmcEaBjStH6+wM5a48AiLuQaIZ4eR"
    "Wopv9h2mAFf4pK/jkyYefDWgTRnwydl5Rwtx/qxnDnu/jkd75m/Rk+47lY7t+KY7Ov+26q"
    "buP+rnPvyMZK9z7mn7DTiSDYGkaxa+yZG2NvQ2RRf3qYNQeKmDm0VcqohL5XPLFx4h4RHi"
    "dZKpPEKe7WmWqltB4CPD3lmQE2YfwZwOT2X0KrADTBIVGJdiHGg+O+DoOFSVOXKudIzvMY"
    "rugSGKLlTPiOdDiRMuFviu4+iEf1g42zi2nqudbT151pP7ys2sZ98wvaH92iEZzfF3d5W2"
    "Mr5LtexXutzKIIIrtGT+L1Rt/y8EQ9pqBpC8jWP7rxtJk1zgvJk6eCeNADZ6IzVYsh0pvN"
    "8gB4fVN/TxAorYvPZMb59kt0Qf0TSLkK2rGtW49AxbyaiDRAuTwuovvBatbNbEu5xYC6G+"
    "f3igidF6eCgP0sLfEdEuz72rRPvSuXZtXNiMimNKRiiNBDPSRve8aZZPWL5/no1HZFgzQn"
    "mLxtQ96b+SZboNjCuogA6jkfFuFUIO89GFd1m3FR4gH3IIwVd29DNCAv3T0Td32GWIbigJ"
    "hy7R9DJSbQi0ze7c72mOyfflp+T7wiEZ1KFBVg3JEi3HOSvVPpwfqOoBPFTUA3go1gPAvi"
    "Rky293rORFRvA6jNVVzZoWE1ZXL73IV03AC7vRyGXGbhd30oJCY1fzmR0KLhKcZplqjOVe"
    "M1z3UQ1qQFK6zWTJsjWII0KC8A97tw+iQyQ8kOTZ6P8wXNIPGtyH/7fV9uhLx7G//kiIMT"
    "l3NBrnWGr+ogSvKMExTvYy0AgiwfEye89dhbdMhKB8lye6CEH5DkJQgjNFLU9hLp/lrGT7"
    "lPU2zbJx4hwbV59h8SKfOMUO8HwHnjTLOVGxYfM8z2sTAlXb4tY9hHmuirPKSd4muuqn60"
    "9xUgbuniG2ivcCFUVkoxYBHTaAO4PZbIHLToTSuHHUfDEd4SvhtoCvjT8q0/5C6Qb5BOhM"
    "WMLheDbvIqMwdPCLOhV873GXqFPhIHS+4ihk8k5UanQX5K5HiF5q76mbDQ2dPSyejJTEpe"
    "BsnkOj2DyFkbfPiwlouWy5dGsX0GU9//jVrsHzPwzaOu4fo9GatWhpGYDUNkiR0HtdToW3"
    "ZVsfq0LcaWsANtsDvZ0rNn/EcEVc9XDy00zfAMO3iORV9oa7KgIrSKRS3eheWhILHipzep"
    "r/uomqdjq2vZUMP7iuSa5le3cSDs3eS18B+EKgr04fh4a4woLR/OERkekuGCrBUHGyzwuG"
    "SjBUvE4ynWM72lILU1wetJcS4bhALDcx7aarHro7ZzFG9oIFNFhmH6fkckAjVbwmH3IB6f"
    "jCdd+bx/F4mHllHgd5L9ni5VGZ/vBzzsdctJkbVAiyeUpCyoV/UMsosU1JCNdEWzpj8Gj2"
    "nVyEDK/QGnCeI60mMM1m0XgNW9i0OKdeaL4s62D+OySTOvzmrtKWDu65QG/anGUrbFhhw3"
    "LxugsbVtiwvE4ylQ172wa0t902L99+VrcNJnTj+1uHbv2uAdHt9VbxNe4eI0EKQSuHPS0j"
    "MGfHHClShumxFApMSQiPQbmrq7wyyfFYytwQHDt0O73xVOlKOrLGl1AZKr354CP6jKzOwE"
    "u6hC/yCKkj4+nfuxIyDZFqZjv7JRxPcK9v3BTcDkYKg29vH1NpgTdgnTpriTDPVWU6j8rz"
    "YDRSpl1pBV5NiJ5pCdEiVqYvSn8QNGdDYANni15yDTdpk/sf5VEPB8dqxhv+uw3cuG2iTO"
    "e4b9sOOEED9/GTMptFU7pz7DVwXY6mFQ8fNRxg2enyYqKBCynOkGcipQht45kUA+w0x2Mv"
    "5VmQE/zJUW//AbMaHND9zGDNwpnW+VxYZGc0vo6ZgjN7X7e2y0tmV9g5wAG/+aaL9g3VMi"
    "EpL4QdtUlq1LYih5YsrnuOVqyAjQE28E3bZmMbT0dNQWOlQyrbiNeroxnn4vSMx2grQMhq"
    "QBht1RTTdzpSk3CwA7PYFsQuz9AmJ2UpU5s+S48xtmrmFKep4RPKxTHLa9uRNClaGziCGR"
    "fj0XT0HmxNXdoDDX0NDckFuIgaLsczBWvpc24tfSaW97ncDxHbTOnJWoyEAkCiH1DxDwSa"
    "fzR++P9hAeZ8M6pPybsSVQ6KZUQEtmCv+di/BHst2GteJ5mKvU7vw7SRlCkR4Vsh9E3Kn3"
    "W03HVBkGM+5OQYgbpd3rHywIBzSqQNTOrF628EGRf+dkXaJY4laiRi7UO6/ogMPLyu7TTd"
    "9AhJtpX0TVpM0DfFTTnsvISUkhPoMaKsKG1SyMlIebayyJZ3GkjLiEYDpzcaaF5JqxMY/f"
    "5Ufpp3JcPR1h4OrVBGOKwCQPT/o+fxYPSMPsJXG83LEvbGL5OhMsd0vm5vd0ErL3QVM/zD"
    "YXAVI4Hfaj6YezQFjldR4a/k9clIfeedHw1m+NIy3zV4kQ/zlGRFkVJXeiBmvZeUsGaFBK"
    "7HgxdSbuYzIxcmh5EaBjFt3EJ2dVEkJR68+bWkf7YY2sx+eEY4SNCU3N2SbRQWblBOBmoR"
    "6llP26G7uAN02zHORSwZr62IEUo1nREEki8R1UbEHPBq4q/x4LUEzUxTA7YVtCBoxosT0V"
    "W0BTlmHcEzSW57W4ET0TNHAFprOvrRvYp2HqR+1HBKxkEeT+HAbcLt8jE0mQDA0jiafJjg"
    "0ViadJAnZTzN58+h7OfPUiDqAFf6/Dk90OfP76TeXkennqQ5AN219l1gSKu95G1A0gc+7w"
    "2qdeCj8TIpnPLBMCLkRYS8cLHdiJAXEfLC6yRThbwIZ2d9O2hJYgajx7MgKcKKKAu0Ccfc"
    "OY65njzryX2lU7qQOYOXx0w4wtvLYTm2jNOl1FDJu2aOGioF5xBV3fMwngTbrpINAyPBsY"
    "NY+6QHbxCwH2cUEGuenzIG0fw4DNS5K5Z9LIbkk8sbxk19hZUirBQuDgdhpQgrhddJpgvM"
    "b1xEV0SVIHWAuVHhVHkezObKNGxNGI+yhP3peDLBFw3H3u2CCC5CXFf+fLxRmHTy3Ce8mQ"
    "VhsSXz8rbSbMkNqvreaCfDQVllg7ggJ9A97mHIWgZnmsFKZrCGAU1rCxeWGXWAFe+F9rmE"
    "m6nS/m28D6laSASvQ7ZSUrm34VBtSBSGFxa8sOCbri4KC/57sOBFYXhRGL6RaciiMPytip"
    "RvbIPNsD0IXCjpu3nKVorJRYAw7RGJQBvW7qX9nWCrmSUlxEucMLFAC9F9eKCB9+GhHF/8"
    "XRbglW9aBtElUI5xWqZ9MP9MpUj8XKFI/FxUJNaWbbOUP0ruF2U2mlYlvX3tZtEf+wYc1/"
    "T2bHpDQU6oD8fc4QfIavDRLjKDNQpmWu9sYYllHLPoKaTRYjikzIk1tiZUEajrNWFjYcnw"
    "xAPN4nGatVfTJXjWUVW4dSGhxBSyLcC1yc6EqoVpY5k+QebK0Zy9is7gc0vGD8OhkBrwpa"
    "XvXlRcoZ6S3m1dUeX111hAmoWjtAmki9KQtu6XkpDxd3eVFGR01+UJyE8dB08/MHDaONYe"
    "gqnH2kX2MlIqRLixICv5eKsFWSnISl4nmYqsRFsqqXJnuacxEeC5ZCRP7lzBqt2KVYt1l0"
    "STOCWivjAIx8XZOz1lOh88DXpBm1MdOJ65NnUNdzmdT+XRrDcdTOb4lzQYii3hoK/25Gm/"
    "K5mGqiN9cwmnymSMe586YGfj3qfj+QfcTNUO1LZTXqraGai1aQF1p6HRGfatjFAL964HKo"
    "7koYIjeSBwJBg01niWjFALkb7IKRGA5pr/JiBdzkilZURkO4Em2SL9smL3J8OaEWrDuXsF"
    "MrXEdKeFvES8feDXH7RV9I7QbyBEWUFvE+ntnb+yTJ2d3j7IXbEJeHKlsQS3puvAddGL8w"
    "ZKgo2Oq+75MTjeTjqT6eBjoLXvHPMt0NgRJsp0JA+Rag494EDNWsLJ4nE46KGbkkV1e23c"
    "00gdrMtbf8T3i7Yfp7f98HeWrRknOucyotfxyV7VG95ml2w0dyvWsJ+CoKi0RQiqcoHDiO"
    "tBQgB6PJLKJXWSY4+hioZpFrbU4VOHJUWRRZx6sQWyx5AtbIJcpQynMuUJbH02j76crz+k"
    "olM3JI8iM6S43R1uDp50Cic1Fj8uINKNBYPfFJdjm9VFweC3n8FPFR8p74NXPtUE8Ra+5W"
    "2acN4rxBUOzqSRbodtdjvKaDoOu3bGI9CWhlvCJ3kQSK41k5tmn69xhxZaXiQR4Nh1eSoT"
    "QkOElPMgRGjVnW2Sqlb1gW5uNasC44NkfvMLRd9FQzQP9QqY+0pv8CIPf3h/d5/zx8cT8L"
    "5YfsEBhum5KtAcCJiq3RUERSftvAPKAVvNIeVblIeJpUTasEdcO0SM41atzbM/C8kebLBm"
    "hQSsR/2p7iEZ5kzHX61pNTz6/rJri8KxymlzYR6xpeotTJXtK9q6nt4I1/W3SBM4u9vmAb"
    "NZMGBrM1zLOnmcmz39PbR5Fd1KjyW7gi3AZd3R8nLRr5+b9BqNNg0GaxNmF+XTvmnbpEk1"
    "iVFLf39XyanhrsaZ3tl07X6QmAmDuZVwR3b879p2JC1u0vMDePf6Lujhc//T/cP/3v8ixe"
    "tG+oO0RqKW+yO5CVBtIwuiThB1DdlEBFEniDpeJ5mOqMPHCGsyVUaojclUl6gRHIB2TtJn"
    "ZgCeUe+8DPpzZfrSlbamgY737RI+DYKg8eCUX8LZYjIZKi/KaC5P/96VXH+3swBme5Fpt4"
    "SDl8l0/DH4uiuZW2TJv4E4xuj2dJmmIxNha+rqHmiEwMHyl6YgyHHO7snvTd1oxxoii8c2"
    "JSLyD4l+cM3x1PjoZTnYs5ItVOdadbJD46RJTsuJKeZ6ikNHDsJIt7TQuVcRbVVG1ZYOUT"
    "X5rVLa8Vzm9kjL1hP/F+0Bn5ZpA+19hQIDjYsaO0EZ7k/lpzmODNPWHlJ9ex+U/iIIAoud"
    "d8YSjkfP48HouSvZ8NVGc1IWP9aTRz0lDD7TMSQWN1Fkmb72tNE3aRlBrR+l1vWkEu6Z7G"
    "+dJXV5JH8zC+sM7hcfd4HDHRcjOJ/GxM79eTxkc1Wn6zMmB9BKKJMMqkc4k2RSKUmTMQSS"
    "a3oeQkay15IWMh0ZisNGt0QkR9z/sUiRnDGOIEQEIdKQPUIQIoIQ4XWS6QkRVis6I3Sm3c"
    "ynzkVpNwvf4vfxkgjfYtun2PAjd+DWhL5HMn1K1UiSqGBiCEzMG4A+E/GeCPBM/57oYLxI"
    "CUj8CyXpS5X5dxm5s7PveAOeIv3uF5b0u9DdEpusJzkBc8LCG1jcLTIRn2wgk0QFxEcdrh"
    "nYavC75qN7mwU2rfeVtNgyTtiePOvJfaVTtYnU5uUepwZsJ97kHZSrMlJxYzqC+zbVs67c"
    "cbtO3XTJdk/CjSrcqFxoaMKNKtyovE4ynYdou7PsPSDrqRWR5Vmxeszc226iFy61jx4LaU"
    "XMwUo5MeFPoPMnuDtk9GuW+W9mwIuSIkaMKkbsNx+hFnSMYkS8ICgAp+sNh8BA1oT6L9uE"
    "REusnAcjiH7PUaThaXZ2tzfCMDzv152JMn2RR0H6zg44yChET44jGkfzqdyb44BGGJhwS/"
    "hxMBvMg8DHN9M1vSDycSJP51gDQcKa48Wa3O0jHME39MeYAJe1wBk8LIQISVR0tCF2tNnY"
    "BH3xWDubSEj0smHoZdO40OsO2jHMt/hRqDcjtOMMPqLNJJTGHWziKyaMr80Ws4ky6gdB2T"
    "5S1NBDBD0n54MpvuagE8vBV3BSI5IPorJxXiMud8BLALYB8Ha5ZS5wVpATvACXTTga7wms"
    "4FkOa7AGt38/M1iz1i2ty7/w0p4T5A40fYN5A83FLoGkS8Ppce4x5ZJy7fOhmV4i0v1YJ5"
    "kxBHMb/Ydy9Z7a7eSm2wPtsj3eRqZGygmAibYv61yS+vaukngCuD/znr51yTns06dcRUj0"
    "338KRkowUlxsiYKREowUr5NMxUhpW9tHW+tOI+2clcGAOcnvMRzw53uGeMDowGTOosjLfc"
    "+JFDEWWCc51UmTH4Nrp3FPnn3AWe3uBqe5T4MMd8dYwsVk0JX8nbmEj/LoL+p8Ko9mT8q0"
    "K600+EVF+EIXWRtI5oPy14WCpDYAPSdOqR8ORgrOqLdMyIkLOXha7HRCs8DGixclW0eNX4"
    "SvdYAO0IOp6F1ZkayzcsSLkq1DvP5gBAvzf8hmYjxg02K3OV0v1Yyl7qPVMF0dKyOMAKfF"
    "BMA0ust59EhxlOvRJEm5GFamBFMgAReLCZCKIjTZJmaYJ3lahOSJA9Y+5k74OG1F46Iq8+"
    "0SjYuwtwz9vq97vsOYoUISFUxUkYnaObYOXDfdMJoSYYKkALhRXaIaF9tRQflx2iaKC5bp"
    "7tw+UZnNtAaInwCYpYdr1g5BCzPpCKJrypXsqzVgLRtbE848bb1uL9KEo4ivdLX0eiezh5"
    "n3oZo/TNYUZcGxXzeaF5QCi957yf4K3KQ+WNTYLOmdUiw0doI8gZv8lO42l9qtC2XMk3rb"
    "/xTJdIK65PGcFdSloC55nWQ66lL0nBA9J5p3WKWIL98MqCt2aiAnKbj3I/5r9HeeRMCsBM"
    "K0CJsrR3P2p6CclRRIH0Ha3dmO554AdFZQ4HwE51TnzhPAJkgLxI8gvkEKIrBOADsreDbO"
    "zdHZT4LZxs6ME1DOyAmQq0H2bE87ZSln5MSOcQRlwwfM8ZRpmcvHUnIDL6GbUxRfpO7Qa2"
    "1oBDc9VXhSWlxE0VRG0YSuY2aCOiUkSNRmkdNNc09UcNMp4uNMMm9yGKlhK5eByku9tBR0"
    "KafEP480KRXvT5Pim85gzILOktabzZlsyXq+aO+qZ0cziARy+MVdFXP8im+hZIxfcNAibi"
    "qFCV4AHduy8DRJJgyuaC5uMoWvFMliNlEiT3yQCp42kRCEsCCE+dwMBCEsCGFeJ5mKEA6i"
    "1FV75aG/DrCmsxaFv0fvC0uDC5FJcO1MgkD7OWUXywi28Ohq0y52UBXZHBoFOeHTKLqKRE"
    "Puy4EqOh1duNNRYlEytjnKywknMgHd6IhkzR/Li4kCtsf7R2U8I2e6O5XMYA1bw7Quz8Ib"
    "TOFRDvfVGhDuJQM1a/ulBTdzvFMDK1pyXbglF1klrgFtOTNYO5Eu2AIUICcnWQ0YU9br5O"
    "zco0U3f+ZnwEUPIY0Ww+GtsvQwiYL+yJmuWaUkS/L93TGuBb+mLr6VknORJYSDBxwpwKgr"
    "afgPAoa0duyt9Pnz1oQ4XERHCxM9/efPkr+TPFvyNkCC4JsXCf+Pi64gi3pjW0aRm7nMT4"
    "gueIKnaYjWKHgawdPwOslUHs5wCy7OcHnG3kGifeXmaKrNlRebK7R2zxx/rBxYQbh+DoyH"
    "kuxVDNgDAwMWaCDqzjaZS8/lJL9HqvH9EaALHqTb6NMfgtwSkiYdfVOpQ4eZKZcvki+UU6"
    "GccvHiC+VUKKe8TjKVchr8y6Caxve3TjG9SOXpKFMzQIkI8vEqsrkhOK7d0Xkc/33WlVb2"
    "3l3C58F0iD68mo6FPi1Gg5nyt66EHsAF3/I+Lprpqb/CB3pJ0HtUUt23JObkINKGeK4rtB"
    "EO8zsd296ytErNSQkCn1RNJcBI13aabnoEEuMIuGlBgS8BX1vX/Z2JtJgTICbKXg/lSyWI"
    "1g0x+geangkIW8OfZ+NRyR6cFsrrlqbuSf+VLNNtYBhKBXQYjYxCWYiuzQfS5jRFPEA+ut"
    "bxLTbkEwGB+umom656aGGcS8M70uD6IHexHtcFLTC+0NgO1wFbSm60U7p9Z2QuFOHWNP9Q"
    "RYBbCFcR38tWPeYLYtpYiszSYg6kSB2dlmXrQarumfm8oVdXToZroOZXmtWbOe3IJgg7VF"
    "M0UFtBinLNz8SJPiWfT13guunhhRewlHrJvqTHSBg1t0XQBDOhDXqP08C1pGq4CdEH/O68"
    "k6b2V1fSHCB9ATuvK71paHAgadCQ4v57km7ZLsCxR1tSHFPNowuWSLBEDdl8BUskWCJeJ5"
    "kuSTM5Syrqz5VPNUFcvOW8LACat9xBZormVhUfLJ/8vKx407l+07nvMnBLiqz+NgNndRi9"
    "RWfRgxeShRqWe/PBR6UrhdJL+FHuyUFL0VDRN5Yw7uk9xVdjnd8Boo0oJ2/CtYt/RFYsk6"
    "mWkRE59UVvOLa12SBNSQhARS3W2zAMolzo5dqEbpKw7jOhPcSHtxPZzOFCAawTEQW1wFof"
    "68AjtKlDhqsWoCnsS73y8cwc9ccnDFS9mRGfUm9wgCOyGlaiEadwhnNrUrfXTSac4d+Diy"
    "y9yxamudxBlhMT7jEatwvG7JzsicwAPEPemQ1Gz0OlK7kIbwssYX+8eMSfDdtf4c9IEZrg"
    "z2hCdvjzXxdyvyv95muceMjWlm2zdEtN7hcl5AglJtljzkVAP21A/woYLMkoBTkRyE90K7"
    "I3f0uLfY8lAZi6aYlkiVuG7TeQp3vTzHAARkVE/igPhnKgeyRjLOG411tMBpibi/fDJXyR"
    "0VagjORRD927xXMDIP77l3CqzJTpR3w3whQ4b7zQeCL74rrZF9ySeI3TZCrYES49+FwEbt"
    "9Ru/B78qwn9xWRfNGImPmhuXI0Z4+27C8dgmM+/fVdlWfeCm9U0Rb+RRQtEh544YHn2Tkr"
    "PPDCAx/VvjA9i6lqUSLAcfmcU53ulyjbgtDfkLy5FeG/iYSAmApi010RcqbLAY7vb13hrf"
    "qt/J2/skx3w0bPZYTaELB7hTUMDDM2W2hhTom0D+QHmqX8UL6UHwpL2dLgq0+sbFxRPTol"
    "IzA+jjFOQHi1HQLZVo5xWuZCGLesFCK66wtS6FhATom0bx1fIJdoA6w1I8RpGYHxcYxxcp"
    "tqr9VAWzg47Sh9NyXSIgKiyBzs0AHGwtIn9wswCWA6ps5KzicyZzPznIFbNzGv2zsTuGpQ"
    "VpNhwebFrsd0/dyQVRshlCGy2cDNiAqA8wCbruqANXAAJO0OxwjxjOjFOPEiusmVxrLi6Y"
    "crwF6eUJwTa4O6du2kYt1+A46Kzq1XoPoOYbuusPiKom2YgbxxTWddV5nXhQPSADvN8dgb"
    "eRfkRCnOY6EgB8iKODOHg/QzgzUKZtqAkMISO6Mkp+m6PslkYQkIwSELAzzOpQ7PtkWCjG"
    "zPXJvllRMz399VxYLA1J0iFqR5uyL+XsSCiFgQEQsiYkEqFfmLx4K0jeXdAtclUpDlpmpK"
    "pBUoX9tOTSsjZ+W/EgfiOEIHHeZP465kwrW9hL/K09Fg9NyVkJ4I0fQs4WL6rIzmXcl30N"
    "N6SyiPRuPFqKe8BFc1CG0foRCbLLenizwNPainar5hkp1sdLNIGIZj30NHHg7RZFjWEs7m"
    "iz6amlk3LvntLuGT3FsM53/Hv6Wj4fb4LvnpCd+irdfo00TpDZ4GPXRhB3S8ermaS9/Fbi"
    "BSBml5Gh5BVCTjnZ6Mt3NM2yFmR9O9Tml5no8ndGD82pUs++sSvij9weKlK22BYfrbJfww"
    "eP7QlTbm64aPl8PVN8DwrZO07bys0Ld51rdd7Cw7YZIPYmJ+uZ7fxmU6u7G6x7Cz9qfyE9"
    "IYDUdbIzVy1vug9BdDnK+cbEboaqBUuoGi+SQPgq/XmmnxkswcvFKrPWPt0YyQqD16vPZo"
    "CFgNfMrCBfwYWrVTKdmFxVzGMV1qWzd35vltqDDcefc/H3od35TKeL0G+KmeQvOsQ2BV8r"
    "fcVRErdnSzuk7dTdGMKrodqby4ZJrkAU3foGGQlS/FQ5K6TNGKEUtpxncEKy96XFFIU1A3"
    "XO4OgroR1A2vk0xlakQ7LJsCmxUSCiyh0F184DLhmpMShXeOmwYZbeE826Bn+44LxqkBGw"
    "Y1rZmQW2bkIjyETaIGjFPaarM2CFpss1sjV5X0J5oDgucu2BLRN5UmxC64R0RlNfFcEqq9"
    "UO2Fav/9qfZ4i1WDj4VpLo/NyolxHKhyYoDWRVLrt/ZJYOfEBNhUYEdLNKiCW5L/fXR9Z4"
    "U5DuXhCfhouZ4GPFFYAM+y4tEPe1jxZl/uKcn2QV4/rxut1RPwLkoKvI/jjdQapPmUhDyQ"
    "gU6JtBDhSwSRk7uZVKTbnhOfxzW8F9mjcdwNk/KXCAiAqQDWbR96jDXCDiICZCqQsRWqWQ"
    "hCg2kt58TaB/YFzjwIfQSZCXWbZDRWVgYqyIoKQel5KFYIiuL+GVzIKYl6iLjGO5ILNBxN"
    "KNmrj74EhhonnxRngCWgjL53OJ/ruRhGRuhkLzA6GmqXfbGLeI0hmNvoPxcOC73pK01LSa"
    "Y2Mho+8jyO0bFfHY3Yqjv+6q6SZQxvEjRj806HO0EzCppR0Iznarc8TTIVzchKedXLdXHV"
    "RIHORKyyEQk+DzY7/CwDnGd06685L0pA3qq0hgHQBgTOKqqRG4LrFPJHufdBGY6ns66EtO"
    "wNsGzHxZ1bZ3MFX9tqrgfwlcmHflfabYwl7A8mw/GL3JUMc2fZW20Je8p0jisyoB2/K+nA"
    "iXKqQmBu7soyfCcsb4Krq7OUDC8KiqBnQjh5UKFadcEWBEuFAWCCpEC4FGFkbRgmyf9yBN"
    "+UnECXgC6wzFdzZVqmt0dYmWglmhrLmVsmLw5f9sOX7/7bRegb34D7trWXeYsObGvxZc5w"
    "pnUOV1dfZqsaEOcVnclftDYPK3skQse2rO35dI+SDNRWqNbI0ENf+7rnO+dW934CYBYP1V"
    "a8IhIF3YVfpDMBi2ib8KVsK2LXJl4bA9JF8xEzK6ucMTwsvaO8YXrJH69vMt8ASfcdx9R9"
    "pHN1pa8bU99I4RCSJkVjhuVLgCuZMLojtqaLpU9qGZFYFWV3YE/1BI9YTNRHEewmnxuLYD"
    "cFu8nrJFOxm8kWS79tpkWEyU5seYd0ArS8if2ej/mgMqLCDUXvhgrVBjYXVEZGrGVSV9dQ"
    "72RCNSskCIPjbr2U9numTy8VhdgwiGk9etnVdby4z8GcOBPaOl0EPLpKM5shV5V9ZpHGMQ"
    "VuiEzBlM7dcVdlS8f6i+oEN18gFvdT7HARRqwwYvnfeYURK4xYXieZyojVdM0AW1MPoqyK"
    "E12RY58X5DnO7uSw3bqj4YTPoHY763VHiBeqzJCNJM7Oi+Vt8VIkxr5nyIvV2ZHVBbRU0G"
    "ZCA9E56YHtDmNBvytUjHChPuyNcxqUA45OLHgG2gdxAXURat47FNUStz+RZ7OutNNcN2w+"
    "hIc1rSWcTMcv4zluRbRz7K3t4UZFfWUuD0b4mgE8BDvgpEGRA7aa84UwU+XBtikREV/LHl"
    "+781eW6W5OMqryssKs4tmsOoTwsfn/C3JC4ycwK8mrwNpejSApjnDSER64YBlb12WEBHV1"
    "nLoCmfDcMymWumN9eaRZCrtjCdVCWMs1INy+GM48vtlXmALc9H5aA8KUtXY4232p2dfi4Z"
    "OBGD2HNFoMhzejCqP1TeIID0u/ghxMRUpftEDPp2JqCvovuulTjuHGVwVVKKhCLrYJQRUK"
    "qpDXSaaLd420A9a6M3k5UX8m55or1p/RjK3purj4BfRxn1wmYpYgKyBngNwg1urG+9gxwG"
    "PJqn2sgSdXFfmFNqYckCvN0zcl4QSl+lVWSDi9CD4ZPiMHGuePyWKqs3aqSYm0gQG5NMe0"
    "smzbUF8d29+xoJwTax/SP9OV56+ozp9HGgYZyJrF2MgjJ9ZGpC/QCcEJqg6x7RxpGQEzXV"
    "cPBMYrMRWMLpggLc8x5J1nZaRM5WFXCh/HWsLxY68r2St9CWfof1z87xz96y2h8uusK4Gv"
    "Lrpn/kGZorsCLxkXuz3voR8F/a9zKFvFMl9ybz74qHSlUHoJB6P4ignjaxNl1B+MnrvSDk"
    "ADTQqawcUMX8SBIK7v4ss4OuR5KvcXchAy8upohq+FMSPT8WQShIw49m6Hr8yn8mj2pEyn"
    "+CqaU+iugePwEktyy1hBzvbFmkMFuS8R1mgLIGhBYmqQDduc1IVCCJpsrW5sZHhabKhmZA"
    "SmxbAXzWHeBTIyAlORpH0lXEVPrfPxFEnvl056Jwe1cF0olEuIaSuFFk+zOlZwMlCjTjLq"
    "5Zs+wUvihUgarUD2GLI5LZ4C21BDrQHZD8lArUQ2o8kzx7ilOFnPA9DAUKoO0G3HOLMKp5"
    "yM16LNuCTvQJQOpigdvNP2NWD1BMAkHKjNWLmizDI1XtEGqFmWrQdwnIlZeF7IyXBtxY1U"
    "X+h01IqVjdqCWTEMXHS95bPr7WyPVuB2aOOnLobVJ1/eVQbWB7eplv0qmt82z42Dvy8Ll0"
    "dTqlrgjWRT0HGmmQGuRpueQHH3lcfFM86AX/mvmDB9GmOydG0v4a/ydBQQpehlgwFRqkyn"
    "42lXAo5jO0vYmw7mgx5mx3F7J1MPOcHbU57obHHRO1+cufL0+ZQIz9UN6qA6L5I/j/ZG32"
    "KKPT9IcBz/cWq03sMDzZp+eChf1Pi7LMRrHzLHRKZlBMxUMKPtXP+i4mOcaQPJibUB7Gvv"
    "IQ5Af7ZLplGrgvfSUhfC/XbpFL+8p1jiv7wvXeH4q1zBJRPbXtqWEPZbnRGWEbxOGuBVcW"
    "9xFuDVOV/OXqnLcr5ku/52OfZNsuxvnVo/R3tVYM7PLJuYYJ+94a7KG+DFt6ouuvcq2fba"
    "XrXX6lcAvuBfQyvM8dRg+xXZ9SK7ng81ss3nqsiuP8F24GiSY0yqs+vRZh7OTWGSKdMn0g"
    "Pw7F7qDJXefDFVupIFAhZwCYfyI/qkrZZwvpiPpwPs7fMQWo6Jk2Eep4r8l660Qq/4Fz58"
    "f7kTMTtds61mWeVx+VnRNkWP/uH+j78kRx7+UHXazV7k4ZBYPTZWLgrA/opw7Vm2/mVeuu"
    "Nlxct2vIaecUe2u8yeRtzPDkv6T/kVDaBxOuppYYF5JeYFA48mDkq3NNdVXX0DsDf73B7q"
    "eLBZNFZzZ+S6DYkX0HwDjouzpAnWW+rbuyrTzY/vMyn7EAsmV5hmwjQTppkwzW5pmgX/Fu"
    "a3qqYGURU60QjjqOrWPVWRh/uKIg/3hCIPjOXkRBm5EmxJNc0M9BqUFGQgo5sSaQO7fAUq"
    "X2esuKOLUjssNWBwVRDGcpPkKnwC4JIiO7YPvbIaO2VbcCIiQKYCGaskuIMU41mXE2sf2P"
    "W7ZncIITaMYwGB7nF0wVYzS4KVS1yDsUAL0b2ENvEVrFyT7cBLiQiQqUDGAWZxLwbGQrUk"
    "UdFCqMjjmK56qK2Wc1bbtgU0WOJvTMvlgF0hwXr8XwUjL75wXU/I43g8zDhBHgf5CNbFy6"
    "OCtI1cubCSYDEaLuFQq+FMHoGpsgVnq/02HIIb+OmL7EEUkVfBG6A7BGEgCANBGPDsSxaE"
    "gSAMUpHw58RyZQbgOa1T7r8MRl0Jt8CAuEax/PSEyxRr6zX+tOgro6BscdAABndK7i2G87"
    "/jh9HR8PslnMjT4JZDNajvzsbl7Ni7vPUVLG5WTi0j1Dqc66d+NlpgouIO5V9thynXjSDK"
    "czgpT0t7bTqux7y2s1ItxPoiLvWtaRgWYAY7J9Y+j9lFwLa0E9Z1RkgsazqksQaPA8RXpo"
    "N+hGgklAWW5wTP7ELG2SKvQJrQhOwVd1coaZt3XP0+SHO8PXRe5KHSlbaaBZBmrYSf1iD8"
    "zF9vkBvzchwpe5ewWICD8ND32KPpYf8gk/VCEOZ43fO0WYsAKxFg1fQ1LAKsRIBV80EWAV"
    "ZXU+Qce20iC3pnJiV8qdEuirYP8Qeq5f1QsbwfistbhFNcPpwih/cbcEz0KwTX6THE05IX"
    "w7y4wpMrjUU9cBhZ9qtJKD9YzY5mJQU7yjM7GscvrPZs1cIKciLujtB4KwoTYAW3ICfAPV"
    "qR7bAgi0Dfri4bF4F0d7nCbIV3l6LbzmFJCniP1b3Lv71nNN3Zas6XIM4o3Svn9DBRpp47"
    "DYE/6wP0DdNLivOfARQeJ+oF0EKYkOb7RTVd1z+3fgnSvr8M8DgN5A+pkPJ3lq0Z6BVE4/"
    "l1BGpHw7QVLwETFUy4uzxaVME/Z0L1jMdo6T7l4m6L0PaQBV9L66ZRaqi2Lq2dH6dE3aZv"
    "UyPXWbapzxlopZsItRCo2HRIkmBOh6pdRgDRWBIoVaIURBHXt7ljqNq6wTOlwqVDIrYmVI"
    "MUgHJs4250FFYRHm4Wj9bCJRmlQtSB1dNhqBYCVdYwnB2nGvta8wdTlGxTB06zw1AtAeqE"
    "jN3M9l6SvZs/AqozeYsH0NG03o4sOUA3dyaajv9xJd3e7SV7LWlSeijpB28DTEcy4cr+Jj"
    "n21x/fdXJwnTMOIYH4U9KUJC0fdoXIdJBI9eUwXRWnd4rWESLdmJPdQqQbi3RjXieZilCP"
    "t9TikX8kUCWWEkEqDEEqGLQTXqiUmHibeH6b0qoMWwwFQfJS7T2ap5rcsk8gdxpHmzoF8g"
    "YudcxESa/AnjzryX2lU7op1ABt/T5DHrsxEvZDMtLlYSmXrMclA8fUNx2CTR99c1dlyWuH"
    "e0RRriZtnHcVVnLQnYWt+XlKpIUp7hdJ6MMvFQPC0e0tRPdC6WbQIzqA/zwbj8rSzRKRvG"
    "1i6p70X8ky3SbqWRXgYjAyFkmht3y+jfxd1tTAAzyyFeGs/zD7/f8BnfHXTw=="
)
