export { createJobRunner, type CreateJobRunnerOptions, type EnqueueOptions, type JobRunner } from './create-job-runner.ts';
export { deadLetterQueueOf, defineJob, type JobContext, type JobDefinition } from './define-job.ts';
