-- The job store: tables as Prisma generates them from prisma/schema.prisma, then the rules Prisma cannot express:
-- CHECK constraints, the job state machine (the same transitions as src/jobs/job-state.ts), fencing of frame
-- checkpoints by attempt, the return of unused render units, NOTIFY on queued jobs and the claim's indexes.

-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "servers" (
    "id" TEXT NOT NULL,
    "max_width" INTEGER NOT NULL,
    "max_height" INTEGER NOT NULL,
    "max_steps" INTEGER NOT NULL,
    "max_frames" INTEGER NOT NULL,
    "units_per_period" INTEGER NOT NULL,
    "period_seconds" INTEGER NOT NULL DEFAULT 86400,
    "max_active_jobs" INTEGER NOT NULL DEFAULT 3,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "servers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" TEXT NOT NULL,
    "server_id" TEXT,
    "settings" JSONB NOT NULL,
    "model" TEXT NOT NULL,
    "preview" BOOLEAN NOT NULL DEFAULT false,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "failed_attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 5,
    "worker_id" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "run_after" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "max_frames" INTEGER NOT NULL,
    "frames_done" INTEGER NOT NULL DEFAULT 0,
    "cost_units" INTEGER NOT NULL,
    "units_reserved" INTEGER NOT NULL DEFAULT 0,
    "units_used" INTEGER NOT NULL DEFAULT 0,
    "quota_period_start" TIMESTAMPTZ(3) NOT NULL,
    "last_error_code" TEXT,
    "last_error_message" TEXT,
    "result_key" TEXT,
    "progress_channel_id" TEXT,
    "progress_message_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "claimed_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_frames" (
    "job_id" UUID NOT NULL,
    "frame_index" INTEGER NOT NULL,
    "storage_key" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_frames_pkey" PRIMARY KEY ("job_id","frame_index")
);

-- CreateTable
CREATE TABLE "presets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "settings" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "presets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quota_usage" (
    "user_id" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "reserved" INTEGER NOT NULL DEFAULT 0,
    "used" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "quota_usage_pkey" PRIMARY KEY ("user_id","period_start")
);

-- CreateTable
CREATE TABLE "attachments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "job_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "storage_key" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "content_type" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "attachments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "jobs_user_id_created_at_idx" ON "jobs"("user_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "presets_user_id_name_key" ON "presets"("user_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "attachments_job_id_kind_key" ON "attachments"("job_id", "kind");

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "servers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_frames" ADD CONSTRAINT "job_frames_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "presets" ADD CONSTRAINT "presets_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quota_usage" ADD CONSTRAINT "quota_usage_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------------------------
-- Rules beyond Prisma's schema language.
-- ---------------------------------------------------------------------------------------------------------------

ALTER TABLE "servers"
    ADD CONSTRAINT "servers_limits_positive" CHECK (
        "max_width" >= 64 AND "max_height" >= 64 AND "max_steps" >= 1 AND "max_frames" >= 1
        AND "units_per_period" >= 0 AND "period_seconds" >= 60 AND "max_active_jobs" >= 1);

ALTER TABLE "jobs"
    ADD CONSTRAINT "jobs_state_check" CHECK ("state" IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    ADD CONSTRAINT "jobs_counters_non_negative" CHECK (
        "attempt" >= 0 AND "failed_attempts" >= 0 AND "max_attempts" >= 1 AND "frames_done" >= 0
        AND "frames_done" <= "max_frames" AND "max_frames" >= 1),
    ADD CONSTRAINT "jobs_units_non_negative" CHECK (
        "cost_units" >= 0 AND "units_reserved" >= 0 AND "units_used" >= 0
        AND "units_reserved" + "units_used" <= "cost_units"),
    -- The running attempt: exactly one worker and one lease, and only while running.
    ADD CONSTRAINT "jobs_running_has_lease" CHECK (
        ("state" = 'running') = ("lease_until" IS NOT NULL) AND ("state" <> 'running' OR ("worker_id" IS NOT NULL AND "attempt" >= 1))),
    ADD CONSTRAINT "jobs_succeeded_has_result" CHECK ("state" <> 'succeeded' OR "result_key" IS NOT NULL);

ALTER TABLE "job_frames"
    ADD CONSTRAINT "job_frames_index_non_negative" CHECK ("frame_index" >= 0 AND "attempt" >= 1);

ALTER TABLE "presets"
    ADD CONSTRAINT "presets_name_format" CHECK ("name" ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    ADD CONSTRAINT "presets_version_positive" CHECK ("version" >= 1);

ALTER TABLE "quota_usage"
    ADD CONSTRAINT "quota_usage_non_negative" CHECK ("reserved" >= 0 AND "used" >= 0);

ALTER TABLE "attachments"
    ADD CONSTRAINT "attachments_kind_check" CHECK ("kind" IN ('init', 'mask', 'video', 'audio', 'settings')),
    ADD CONSTRAINT "attachments_size_non_negative" CHECK ("size_bytes" >= 0);

-- The claim walks the users with queued jobs, their best queued jobs, their running jobs and when each was last
-- served (fair share); the sweep reads expired leases.
CREATE INDEX "jobs_queued_idx" ON "jobs"("user_id", "priority" DESC, "created_at", "id") WHERE "state" = 'queued';
CREATE INDEX "jobs_running_lease_idx" ON "jobs"("lease_until") WHERE "state" = 'running';
CREATE INDEX "jobs_running_user_idx" ON "jobs"("user_id") WHERE "state" = 'running';
CREATE INDEX "jobs_user_claimed_idx" ON "jobs"("user_id", "claimed_at" DESC) WHERE "claimed_at" IS NOT NULL;

-- The legal moves of src/jobs/job-state.ts (JOB_TRANSITIONS); test/jobs/job-state-sql.test.ts checks both agree.
CREATE FUNCTION "deforum_job_transition_legal"("from" TEXT, "to" TEXT) RETURNS BOOLEAN
    LANGUAGE sql IMMUTABLE AS $$
    SELECT ("from", "to") IN (
        ('queued', 'running'), ('queued', 'cancelled'),
        ('running', 'succeeded'), ('running', 'failed'), ('running', 'cancelled'), ('running', 'queued'),
        ('failed', 'queued'), ('cancelled', 'queued'))
$$;

-- Guards every write to a job: legal state moves, a new attempt number exactly on each claim, a fencing token
-- that never moves otherwise, and checkpoints that only grow. Leaving running settles the job's render units:
-- frames done are charged, the rest of the reservation returns to the user's quota.
CREATE FUNCTION "deforum_jobs_guard"() RETURNS TRIGGER
    LANGUAGE plpgsql AS $$
DECLARE
    charge INTEGER;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW."state" <> 'queued' OR NEW."attempt" <> 0 THEN
            RAISE EXCEPTION 'a job starts queued with attempt 0, not % with attempt %', NEW."state", NEW."attempt"
                USING ERRCODE = 'check_violation', CONSTRAINT = 'jobs_state_transition';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW."state" <> OLD."state" AND NOT "deforum_job_transition_legal"(OLD."state", NEW."state") THEN
        RAISE EXCEPTION 'illegal job state transition % -> % (job %)', OLD."state", NEW."state", OLD."id"
            USING ERRCODE = 'check_violation', CONSTRAINT = 'jobs_state_transition';
    END IF;
    IF NEW."state" = 'running' AND OLD."state" = 'queued' THEN
        IF NEW."attempt" <> OLD."attempt" + 1 THEN
            RAISE EXCEPTION 'a claim must take attempt % (job %), not %', OLD."attempt" + 1, OLD."id", NEW."attempt"
                USING ERRCODE = 'check_violation', CONSTRAINT = 'jobs_state_transition';
        END IF;
    ELSIF NEW."attempt" <> OLD."attempt" OR (OLD."state" = 'running' AND NEW."state" = 'running'
            AND NEW."worker_id" IS DISTINCT FROM OLD."worker_id") THEN
        RAISE EXCEPTION 'the attempt and worker of job % change only when it is claimed', OLD."id"
            USING ERRCODE = 'check_violation', CONSTRAINT = 'jobs_state_transition';
    END IF;
    IF NEW."frames_done" < OLD."frames_done" THEN
        RAISE EXCEPTION 'frames_done of job % cannot go back from % to %', OLD."id", OLD."frames_done", NEW."frames_done"
            USING ERRCODE = 'check_violation', CONSTRAINT = 'jobs_state_transition';
    END IF;
    IF NEW."state" <> OLD."state" AND NEW."state" IN ('succeeded', 'failed', 'cancelled') AND NEW."units_reserved" > 0 THEN
        charge := CASE WHEN NEW."state" = 'succeeded' THEN NEW."units_reserved"
            ELSE LEAST(NEW."units_reserved", GREATEST(0,
                CEIL(NEW."cost_units"::NUMERIC * NEW."frames_done" / NEW."max_frames")::INTEGER - NEW."units_used")) END;
        UPDATE "quota_usage"
           SET "reserved" = "reserved" - NEW."units_reserved", "used" = "used" + charge
         WHERE "user_id" = NEW."user_id" AND "period_start" = NEW."quota_period_start";
        NEW."units_used" := NEW."units_used" + charge;
        NEW."units_reserved" := 0;
    END IF;
    IF NEW."state" <> OLD."state" THEN
        NEW."finished_at" := CASE WHEN NEW."state" IN ('succeeded', 'failed', 'cancelled') THEN now() END;
        IF NEW."state" <> 'running' THEN
            NEW."lease_until" := NULL;
        END IF;
    END IF;
    NEW."updated_at" := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER "jobs_guard" BEFORE INSERT OR UPDATE ON "jobs"
    FOR EACH ROW EXECUTE FUNCTION "deforum_jobs_guard"();

-- Workers sleep on LISTEN deforum_jobs; every job that becomes claimable wakes them (payload: its model).
CREATE FUNCTION "deforum_jobs_notify"() RETURNS TRIGGER
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('deforum_jobs', NEW."model");
    RETURN NULL;
END
$$;

CREATE TRIGGER "jobs_notify_insert" AFTER INSERT ON "jobs"
    FOR EACH ROW EXECUTE FUNCTION "deforum_jobs_notify"();
CREATE TRIGGER "jobs_notify_requeue" AFTER UPDATE OF "state" ON "jobs"
    FOR EACH ROW WHEN (NEW."state" = 'queued' AND OLD."state" <> 'queued') EXECUTE FUNCTION "deforum_jobs_notify"();

-- Fencing in the database: a frame is written only by the attempt that holds the running job.
CREATE FUNCTION "deforum_job_frames_fence"() RETURNS TRIGGER
    LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM "jobs" WHERE "id" = NEW."job_id" AND "state" = 'running' AND "attempt" = NEW."attempt") THEN
        RAISE EXCEPTION 'attempt % of job % does not hold its lease', NEW."attempt", NEW."job_id"
            USING ERRCODE = 'check_violation', CONSTRAINT = 'job_frames_fence';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER "job_frames_fence" BEFORE INSERT OR UPDATE ON "job_frames"
    FOR EACH ROW EXECUTE FUNCTION "deforum_job_frames_fence"();
