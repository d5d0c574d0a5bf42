-- What the Discord bot keeps beside the jobs: the request a user typed (so Tweak and re-render start from it),
-- the upload limit of the channel a job delivers to, the extra result files (GIF, a fit-to-size MP4), the safety
-- checker's verdict, the delivered message, per-server prompt blocklists and bans, drafts of /deforum animate (the command's options
-- and what was typed in its modal, so a rejected request reopens filled in), and NOTIFY on progress so the
-- bot edits job cards as frames land instead of polling every job.

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN "request" JSONB,
ADD COLUMN "upload_limit_bytes" INTEGER,
ADD COLUMN "gif_key" TEXT,
ADD COLUMN "fit_key" TEXT,
ADD COLUMN "flagged" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "result_channel_id" TEXT,
ADD COLUMN "result_message_id" TEXT,
ADD COLUMN "delivered_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "servers" ADD COLUMN "blocked_terms" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "server_bans" (
    "server_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "banned_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "server_bans_pkey" PRIMARY KEY ("server_id","user_id")
);

-- CreateTable
CREATE TABLE "bot_drafts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bot_drafts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "bot_drafts_created_at_idx" ON "bot_drafts"("created_at");

-- AddForeignKey
ALTER TABLE "server_bans" ADD CONSTRAINT "server_bans_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "servers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Rules Prisma cannot express.
ALTER TABLE "jobs"
    ADD CONSTRAINT "jobs_upload_limit_positive" CHECK ("upload_limit_bytes" IS NULL OR "upload_limit_bytes" > 0),
    ADD CONSTRAINT "jobs_delivered_succeeded" CHECK ("delivered_at" IS NULL OR "state" = 'succeeded'),
    ADD CONSTRAINT "jobs_result_files_need_result" CHECK (("gif_key" IS NULL AND "fit_key" IS NULL) OR "result_key" IS NOT NULL);

-- The bot's job cards still to edit or deliver.
CREATE INDEX "jobs_open_cards_idx" ON "jobs"("updated_at") WHERE "progress_message_id" IS NOT NULL AND "delivered_at" IS NULL;

-- A reaction on a finished video finds its job.
CREATE INDEX "jobs_result_message_idx" ON "jobs"("result_message_id") WHERE "result_message_id" IS NOT NULL;

-- Retention sweeps the oldest finished jobs' frames in batches.
CREATE INDEX "jobs_succeeded_finished_idx" ON "jobs"("finished_at") WHERE "state" = 'succeeded';

-- The bot sleeps on LISTEN deforum_progress; every recorded frame and every change of state of a job with a card
-- wakes it (payload: the job id). Jobs without a card (CLI submits) stay silent: the bot would only look them up.
CREATE FUNCTION "deforum_jobs_progress_notify"() RETURNS TRIGGER
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('deforum_progress', NEW."id"::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER "jobs_progress_notify" AFTER UPDATE OF "frames_done", "state" ON "jobs"
    FOR EACH ROW WHEN (NEW."progress_message_id" IS NOT NULL
        AND (NEW."frames_done" IS DISTINCT FROM OLD."frames_done" OR NEW."state" IS DISTINCT FROM OLD."state"))
    EXECUTE FUNCTION "deforum_jobs_progress_notify"();
