export { createDirectory, type Directory, type DirectoryOptions } from './create-directory.ts';
export type { DirectoryChange, DirectoryChangeKind, DirectoryChangeListener, DirectoryChangeType, DirectoryEntity } from './directory-change.ts';
export type { DirectoryScope } from './entity-rows.ts';
export { departmentViewOf, groupViewOf, userViewOf, type DepartmentView, type GroupView, type UserView } from './entity-views.ts';
export { parseSyncCommand, runSyncCommand, type SyncDirectoryRequest } from './sync-directory-command.ts';
export { addDirectoryApiRoutes } from './add-directory-api-routes.ts';
export { directoryApiDescription } from './directory-api-description.ts';
export { createDirectoryQueries, type DirectoryQueries } from './directory-queries.ts';
export { directorySyncApiDescription } from './directory-sync-api-description.ts';
