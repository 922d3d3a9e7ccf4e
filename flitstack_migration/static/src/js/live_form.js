/** @odoo-module **/
// Copyright 2026 FlitStack
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {useEffect} from "@odoo/owl";
import {FormController} from "@web/views/form/form_controller";
import {formView} from "@web/views/form/form_view";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/** The bus notification a run sends while it works (after a batch, at most every
 * two seconds, and when a slice ends), on its own channel and its project's. */
export const PROGRESS = "flitstack_migration.progress";
const KINDS = {"migration.run": "run", "migration.project": "project"};

/**
 * The form of a migration run or project that reloads itself while the run works:
 * it listens to its record's channel and reloads when a progress notification for
 * it arrives, unless the admin has unsaved changes on it.
 */
export class MigrationLiveFormController extends FormController {
    setup() {
        super.setup();
        this.busService = useService("bus_service");
        this.kind = KINDS[this.props.resModel];
        const onProgress = (payload) => this.onProgress(payload);
        useEffect(
            (resId) => {
                if (!this.kind || !resId) {
                    return;
                }
                const channel = `flitstack_migration.${this.kind}_${resId}`;
                this.busService.addChannel(channel);
                this.busService.subscribe(PROGRESS, onProgress);
                return () => {
                    this.busService.unsubscribe(PROGRESS, onProgress);
                    this.busService.deleteChannel(channel);
                };
            },
            () => [this.model.root.resId]
        );
    }

    async onProgress(payload) {
        const root = this.model.root;
        if (payload[`${this.kind}_id`] !== root.resId || (await root.isDirty())) {
            return;
        }
        await root.load();
    }
}

registry.category("views").add("flitstack_migration_live_form", {
    ...formView,
    Controller: MigrationLiveFormController,
});
