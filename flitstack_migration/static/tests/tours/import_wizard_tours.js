/* Copyright 2026 FlitStack
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";

/*
 * The import wizard as an administrator goes through it, in a real browser: the
 * tours of tests/test_tours.py. The background job (Odoo's cron) does not run
 * during tests: the Python test runs it between the tours, and checks the records
 * each tour left behind.
 *
 * 1. flitstack_tcf_wizard: Settings > Data Migration > Import from another system,
 *    upload The Customer Factor's sample, what was found, field map (one line is
 *    not migrated), custom fields (created), owners (one is given a user), trial run.
 * 2. flitstack_tcf_trial_approve: the landed trial run's field check, approval,
 *    then the full migration.
 * 3. flitstack_tcf_reconcile_rollback: the full run's reconciliation, then the
 *    whole project rolled back.
 * 4. flitstack_tcf_broken_file: a file that cannot be read is refused with its
 *    message in the dialog, and the wizard stays on its upload step.
 */

const PLATFORM = "The Customer Factor";
const SAMPLE_URL = "/flitstack_migration/static/samples/the_customer_factor_sample.zip";
const PROJECT = `Migration from ${PLATFORM}`;
/** Settings > Data Migration > Migration projects, where every tour starts. */
const PROJECTS_URL = "/odoo/action-flitstack_migration.migration_project_action";

/**
 * The steps, each given 45 s (Odoo's default is 10 s) to find its element: reading
 * the export, creating the custom fields or loading a page of records takes a
 * few seconds, and more on a busy 2-core machine running other tests.
 */
function patient(steps) {
    return steps.map((step) => ({timeout: 45000, ...step}));
}

/**
 * A step that, in the screenshot mode of tests/test_tours.py (the cookie
 * flitstack_screenshots, set by scripts/screenshots.sh), has the test save a
 * picture of the page as NAME.png in static/description/; otherwise it does
 * nothing. `prepare` gets the trigger's element first (to scroll it into view).
 */
function screenshot(name, trigger, prepare) {
    return {
        content: `Picture ${name}`,
        trigger,
        async run() {
            if (!document.cookie.includes("flitstack_screenshots=1")) {
                return;
            }
            if (prepare) {
                prepare(this.anchor);
            }
            await new Promise((resolve) => setTimeout(resolve, 800));
            console.log(`flitstack-screenshot:${name}`);
            await new Promise((resolve) => setTimeout(resolve, 2000));
        },
    };
}

const DIALOG = ".modal:not(.o_inactive_modal) .modal-title";

/** The element's text with its blanks collapsed. */
function text(element) {
    return element.textContent.replace(/\s+/g, " ").trim();
}

/** Put files in a file input, as choosing them in the browser's file dialog does. */
function inputFiles(input, files) {
    const transfer = new DataTransfer();
    for (const file of files) {
        transfer.items.add(file);
    }
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", {bubbles: true}));
}

/**
 * Steps that wait for the dialog of a wizard step, then check that its title says
 * exactly where the administrator is, e.g. "The Customer Factor: Field map".
 */
function dialogTitle(title, step) {
    return [
        {
            content: `The dialog of the step "${step || title}" is open`,
            trigger: `.modal:not(.o_inactive_modal) .modal-title:contains(${step || title})`,
            run() {
                const expected = step ? `${title}: ${step}` : title;
                if (text(this.anchor) !== expected) {
                    throw new Error(
                        `The dialog is titled "${text(this.anchor)}", not "${expected}"`
                    );
                }
            },
        },
    ];
}

/** Steps from the list of migration projects (Settings > Data Migration) to the
 * first step of the import wizard. */
function openWizard() {
    return [
        ...projectsShown(),
        {
            content: "Open the Data Migration menu of Settings",
            trigger:
                '.o_main_navbar [data-menu-xmlid="flitstack_migration.migration_root_menu"]',
            run: "click",
        },
        {
            content: "Import from another system",
            trigger:
                '.o-dropdown-item[data-menu-xmlid="flitstack_migration.migration_import_wizard_menu"]',
            run: "click",
        },
        ...dialogTitle("Import from another system"),
        {
            content: "Choose the old system",
            trigger: ".modal div[name=platform] select",
            run: `selectByLabel ${PLATFORM}`,
        },
        {
            content: "The platform says what to export from it",
            trigger: `.modal div[name=export_help]:contains(${PLATFORM})`,
        },
    ];
}

/** A step that waits until the list of migration projects is shown. */
function projectsShown() {
    return [
        {
            content: "The list of migration projects is shown",
            trigger: ".o_breadcrumb .o_last_breadcrumb_item:contains(Migration projects)",
        },
        {
            trigger: ".o_list_view",
        },
    ];
}

/** Steps that open the migration project from the list of projects. */
function openProject() {
    return [
        ...projectsShown(),
        {
            content: "Open the migration project",
            trigger: `.o_list_view .o_data_row td[name=name]:contains(${PROJECT})`,
            run: "click",
        },
        {
            content: "The project's form is shown",
            trigger: `.o_breadcrumb .o_last_breadcrumb_item:contains(${PROJECT})`,
        },
    ];
}

registry.category("web_tour.tours").add("flitstack_tcf_wizard", {
    url: PROJECTS_URL,
    steps: () =>
        patient([
            ...openWizard(),
            {
                content: "Upload the export of The Customer Factor",
                trigger: ".modal div[name=files] input.o_input_file:not(:visible)",
                async run() {
                    const blob = await (await fetch(SAMPLE_URL)).blob();
                    const file = new File([blob], "the_customer_factor_sample.zip", {
                        type: "application/zip",
                    });
                    inputFiles(this.anchor, [file]);
                },
            },
            {
                content: "The file is uploaded",
                trigger:
                    ".modal div[name=files] .o_attachment:not(.o_attachment_uploading):contains(the_customer_factor_sample.zip)",
            },
            screenshot("wizard_1_upload", DIALOG),
            {
                content: "Read the files",
                trigger: ".modal footer button[name=action_preview]",
                run: "click",
            },
            // What was found
            ...dialogTitle(PLATFORM, "What was found"),
            {
                content: "The records found are counted",
                trigger: ".modal div[name=record_count]",
                run() {
                    const count = parseInt(text(this.anchor).replace(/\D/g, ""), 10);
                    if (!(count > 0)) {
                        throw new Error(`No record found: "${text(this.anchor)}"`);
                    }
                },
            },
            {
                content: "The summary names the customers",
                trigger: ".modal div[name=preview]:contains(Customers)",
            },
            screenshot("wizard_2_what_was_found", DIALOG),
            {
                content: "Next: the field map",
                trigger: ".modal footer button[name=action_next]",
                run: "click",
            },
            // Field map: the gate code is not migrated
            ...dialogTitle(PLATFORM, "Field map"),
            {
                content: "Select the line of the Gate Code column",
                trigger:
                    ".modal div[name=review_line_ids] .o_data_row:has(td[name=source_column]:contains(Gate Code)) td[name=mapping_name]",
                run: "click",
            },
            {
                content: "Do not migrate the gate code",
                trigger:
                    ".modal div[name=review_line_ids] .o_selected_row td[name=skip] input[type=checkbox]",
                run: "check",
            },
            screenshot("wizard_3_field_map", DIALOG),
            {
                content: "Next: custom fields and stages",
                trigger: ".modal footer button[name=action_next]",
                run: "click",
            },
            // Custom fields and stages
            ...dialogTitle(PLATFORM, "Custom fields and stages"),
            {
                content: "The gate code is not migrated: no field is made for it",
                trigger:
                    ".modal div[name=custom_field_ids] .o_data_row:has(td[name=source_column]:contains(Gate Code)) td[name=skip] input:checked",
            },
            {
                content: "The pipelines of the statuses are listed",
                trigger: `.modal div[name=stage_field_ids] .o_data_row td[name=pipeline]:contains(${PLATFORM})`,
            },
            {
                content: "Create the custom fields now",
                trigger: ".modal footer button[name=action_create_custom_fields]",
                run: "click",
            },
            ...dialogTitle(PLATFORM, "Custom fields and stages"),
            screenshot("wizard_4_custom_fields", DIALOG),
            {
                content: "Next: owners",
                trigger: ".modal footer button[name=action_next]",
                run: "click",
            },
            // Owners: Maria Delgado is given her Odoo user
            ...dialogTitle(PLATFORM, "Owners"),
            {
                content: "Select Maria Delgado, who has no Odoo user yet",
                trigger:
                    ".modal div[name=owner_ids] .o_data_row td[name=source_key]:contains(Maria Delgado)",
                run: "click",
            },
            {
                content: "Give her the Odoo user Maria D.",
                trigger: ".modal div[name=owner_ids] .o_selected_row td[name=user_id] input",
                run: "edit Maria D.",
            },
            {
                content: "Choose the user",
                trigger: ".o-autocomplete--dropdown-item:contains(Maria D.)",
                run: "click",
            },
            screenshot("wizard_5_owners", DIALOG),
            {
                content: "Confirm the map and do a trial run",
                trigger: ".modal footer button[name=action_trial_run]",
                run: "click",
            },
            // The trial run waits for the background job
            {
                content: "The trial run is queued",
                trigger:
                    ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Waiting)",
            },
            {
                content: "It is a trial run (a sample)",
                trigger: ".o_form_view div[name=mode]:contains(Sample)",
            },
        ]),
});

registry.category("web_tour.tours").add("flitstack_tcf_trial_approve", {
    url: PROJECTS_URL,
    steps: () =>
        patient([
            ...openProject(),
            {
                content: "The trial run has landed",
                trigger:
                    ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Trial run done)",
            },
            {
                content: "Check the fields of the trial run",
                trigger: ".o_form_view button[name=action_view_diff]",
                run: "click",
            },
            {
                content: "The fields read back from Odoo, by kind of record: the customers",
                trigger: ".o_list_view .o_group_header:contains(Customers)",
                run: "click",
            },
            {
                content: "The customers' fields, by status: the ones that match the export",
                trigger: ".o_list_view .o_group_header:contains(Match)",
                run: "click",
            },
            {
                content: "A field of a customer, as the export has it and as Odoo has it",
                trigger: ".o_list_view .o_data_row td[name=status]:contains(Match)",
            },
            screenshot("trial_run_field_check", ".o_list_view"),
            {
                content: "Back to the project",
                trigger: `.o_breadcrumb .breadcrumb-item:contains(${PROJECT})`,
                run: "click",
            },
            {
                content: "The project's form is shown again",
                trigger:
                    ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Trial run done)",
            },
            {
                content: "Approve the trial run",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_approve_sample]",
                run: "click",
            },
            {
                content: "Start the migration",
                trigger:
                    ".o_form_view .o_statusbar_buttons button[name=action_start_run]:contains(Start migration)",
                run: "click",
            },
            {
                content: "The full run is queued",
                trigger:
                    ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Waiting)",
            },
            {
                content: "It is the full migration",
                trigger: ".o_form_view div[name=mode]:contains(Full)",
            },
        ]),
});

registry.category("web_tour.tours").add("flitstack_tcf_reconcile_rollback", {
    url: PROJECTS_URL,
    steps: () =>
        patient([
            ...openProject(),
            {
                content: "The project is migrated",
                trigger:
                    ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Migrated)",
            },
            {
                content: "Open its runs",
                trigger: ".o_form_view button[name=action_view_runs]",
                run: "click",
            },
            {
                content: "Open the full run",
                trigger: `.o_list_view .o_data_row td[name=name]:contains(${PROJECT} / Full)`,
                run: "click",
            },
            {
                content: "The run is done",
                trigger:
                    ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Done)",
            },
            {
                content: "The reconciliation counts the 303 rows of the customers' file",
                trigger: ".o_form_view div[name=object_ids] .o_data_row",
                run() {
                    const rows = [
                        ...document.querySelectorAll(
                            ".o_form_view div[name=object_ids] .o_data_row"
                        ),
                    ];
                    const customers = rows.find(
                        (row) => text(row.querySelector("td[name=name]")) === "Customers"
                    );
                    const count = customers?.querySelector("td[name=source_count]");
                    if (!count || text(count) !== "303") {
                        throw new Error(
                            `No line "Customers" with 303 in the source: ${rows
                                .map(text)
                                .join(" | ")}`
                        );
                    }
                },
            },
            screenshot("run_reconciliation", ".o_form_view div[name=object_ids]", (el) =>
                el.scrollIntoView({block: "center"})
            ),
            {
                content: "Back to the project",
                trigger: `.o_breadcrumb .breadcrumb-item:contains(${PROJECT})`,
                run: "click",
            },
            {
                content: "The project's form is shown again",
                trigger:
                    ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Migrated)",
            },
            {
                content: "Roll the whole migration back",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_rollback]",
                run: "click",
            },
            ...dialogTitle(`Roll back ${PROJECT}`),
            {
                content: "The dialog says what will be removed",
                trigger: ".modal div[name=summary]:contains(Contact)",
            },
            screenshot("rollback", DIALOG),
            {
                content: "Roll back",
                trigger: ".modal footer button[name=action_confirm]",
                run: "click",
            },
            {
                content: "The dialog says what was rolled back; close it",
                trigger: ".modal footer button[name=action_open_project]",
                run: "click",
            },
            {
                content: "The project is rolled back",
                trigger:
                    ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Rolled back)",
            },
        ]),
});

registry.category("web_tour.tours").add("flitstack_tcf_broken_file", {
    url: PROJECTS_URL,
    steps: () =>
        patient([
            ...openWizard(),
            {
                content: "Upload a notes file that is not one",
                trigger: ".modal div[name=files] input.o_input_file:not(:visible)",
                run() {
                    const file = new File(["Foo,Bar\r\n1,2\r\n"], "notes.csv", {
                        type: "text/csv",
                    });
                    inputFiles(this.anchor, [file]);
                },
            },
            {
                content: "The file is uploaded",
                trigger:
                    ".modal div[name=files] .o_attachment:not(.o_attachment_uploading):contains(notes.csv)",
            },
            {
                content: "Read the files",
                trigger: ".modal footer button[name=action_preview]",
                run: "click",
            },
            {
                content: "The file is refused with a plain message saying what is wrong",
                trigger: ".o_error_dialog div[role=alert]:contains(notes.csv)",
                run() {
                    const message = text(this.anchor);
                    const expected = 'has no "Note Id", "Id", "Note" column';
                    if (!message.includes(expected)) {
                        throw new Error(`"${expected}" is not in "${message}"`);
                    }
                    if (/Traceback|Error:|odoo\./.test(message)) {
                        throw new Error(`The message is not plain: "${message}"`);
                    }
                },
            },
            screenshot("wizard_broken_file", ".o_error_dialog"),
            {
                content: "Close the message",
                trigger: ".o_error_dialog .modal-footer button.o-default-button",
                run: "click",
            },
            {
                content: "The wizard is still on its upload step",
                trigger: ".modal:not(.o_inactive_modal) footer button[name=action_preview]",
            },
            ...dialogTitle("Import from another system"),
        ]),
});
