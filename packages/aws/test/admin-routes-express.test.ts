/** userAdminRoutes mounted on Express (support/admin-app.ts, as the README shows), against the shared rows. */
import { startAdminApp } from './support/admin-app.ts';
import { describeAdminMount } from './support/admin-route-rows.ts';

describeAdminMount('Express', startAdminApp);
