-- Fair share from a few rows: one row per user with that user's queued and running job counts and when a job of
-- theirs was last claimed, kept by a trigger on jobs in the same transaction as every job write. The claim
-- (src/jobs/job-leases.ts) orders the users with queued jobs by (running, served_at) from this table instead of
-- counting every user's running jobs and walking every queued user through the jobs table on each claim.
-- Lock order stays jobs -> quota_usage -> job_user_queue everywhere (claim, settle, submit), so no new deadlocks.

-- CreateTable
CREATE TABLE "job_user_queue" (
    "user_id" TEXT NOT NULL,
    "queued" INTEGER NOT NULL DEFAULT 0,
    "running" INTEGER NOT NULL DEFAULT 0,
    "served_at" TIMESTAMPTZ(3),

    CONSTRAINT "job_user_queue_pkey" PRIMARY KEY ("user_id")
);

-- AddForeignKey
ALTER TABLE "job_user_queue" ADD CONSTRAINT "job_user_queue_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "job_user_queue"
    ADD CONSTRAINT "job_user_queue_counts_non_negative" CHECK ("queued" >= 0 AND "running" >= 0);

-- The claim reads the users with queued jobs in fair-share order.
CREATE INDEX "job_user_queue_fair_idx" ON "job_user_queue"("running", "served_at" ASC NULLS FIRST, "user_id")
    WHERE "queued" > 0;

-- The old claim's helper indexes are no longer read by it: the running count and last-served time live in
-- job_user_queue now. Fewer indexes also make every claim and completion cheaper to write.
DROP INDEX IF EXISTS "jobs_running_user_idx";
DROP INDEX IF EXISTS "jobs_user_claimed_idx";

-- Backfill from the jobs already there.
INSERT INTO "job_user_queue" ("user_id", "queued", "running", "served_at")
SELECT "user_id", count(*) FILTER (WHERE "state" = 'queued'), count(*) FILTER (WHERE "state" = 'running'),
       max("claimed_at")
  FROM "jobs" GROUP BY "user_id";

-- Keeps job_user_queue in step with jobs: counts follow state moves (and a job moved to another user by
-- ON UPDATE CASCADE), served_at follows the newest claim of the user's jobs.
CREATE FUNCTION "deforum_jobs_user_queue"() RETURNS TRIGGER
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."user_id" = OLD."user_id" THEN
        UPDATE "job_user_queue"
           SET "queued" = "queued" + ((NEW."state" = 'queued')::INTEGER - (OLD."state" = 'queued')::INTEGER),
               "running" = "running" + ((NEW."state" = 'running')::INTEGER - (OLD."state" = 'running')::INTEGER),
               "served_at" = CASE WHEN NEW."claimed_at" IS DISTINCT FROM OLD."claimed_at"
                                  THEN GREATEST("served_at", NEW."claimed_at") ELSE "served_at" END
         WHERE "user_id" = NEW."user_id";
        IF FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND (TG_OP = 'DELETE' OR NEW."user_id" <> OLD."user_id") THEN
        UPDATE "job_user_queue"
           SET "queued" = "queued" - (OLD."state" = 'queued')::INTEGER,
               "running" = "running" - (OLD."state" = 'running')::INTEGER
         WHERE "user_id" = OLD."user_id";
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        -- The user's first job creates the row; concurrent first jobs add up through ON CONFLICT.
        INSERT INTO "job_user_queue" AS q ("user_id", "queued", "running", "served_at")
        VALUES (NEW."user_id", (NEW."state" = 'queued')::INTEGER, (NEW."state" = 'running')::INTEGER, NEW."claimed_at")
        ON CONFLICT ("user_id") DO UPDATE
           SET "queued" = q."queued" + EXCLUDED."queued", "running" = q."running" + EXCLUDED."running",
               "served_at" = GREATEST(q."served_at", EXCLUDED."served_at");
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER "jobs_user_queue" AFTER INSERT OR DELETE OR UPDATE OF "state", "claimed_at", "user_id" ON "jobs"
    FOR EACH ROW EXECUTE FUNCTION "deforum_jobs_user_queue"();

-- TRUNCATE fires no row triggers: emptying jobs empties the counts too.
CREATE FUNCTION "deforum_jobs_user_queue_truncate"() RETURNS TRIGGER
    LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM "job_user_queue";
    RETURN NULL;
END
$$;

CREATE TRIGGER "jobs_user_queue_truncate" AFTER TRUNCATE ON "jobs"
    FOR EACH STATEMENT EXECUTE FUNCTION "deforum_jobs_user_queue_truncate"();
