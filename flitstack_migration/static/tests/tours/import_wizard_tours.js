/* Copyright 2026 FlitStack
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";

/*
 * The import wizard as an administrator goes through it, in a real browser: the
 * tours of tests/test_tours.py (The Customer Factor) and
 * tests/test_tours_platforms.py (Contractor+, JobTread, ClientTether). The
 * background job (Odoo's cron) does not run during tests: the Python test runs it
 * between the tours, and checks the records each tour left behind.
 *
 * Each platform described at the end of this file (see registerWizardTours) has
 * three tours, named after its `key`:
 *
 * 1. flitstack_KEY_wizard: Settings > Data Migration > Import from another system,
 *    upload the platform's sample (or, for a platform read from its API, enter the
 *    keys given by the test, test the connection, choose the organization when the
 *    key reaches several, read the old system), what was found, field map (one
 *    line is not migrated), custom fields (created), owners (one may be given a
 *    user), trial run.
 * 2. flitstack_KEY_trial_approve: the landed trial run's field check, approval,
 *    then the full migration.
 * 3. flitstack_KEY_reconcile_rollback: the full run's reconciliation, then the
 *    whole project rolled back.
 *
 * And flitstack_tcf_broken_file: a file that cannot be read is refused with its
 * message in the dialog, and the wizard stays on its upload step.
 */

/** Settings > Data Migration > Migration projects, where every tour starts. */
const PROJECTS_URL = "/odoo/action-flitstack_migration.migration_project_action";
/** Where the platforms' sample exports are served. */
const SAMPLES_URL = "/flitstack_migration/static/samples";

/**
 * The steps, each given 45 s (Odoo's default is 10 s) to find its element: reading
 * the export, creating the custom fields or loading a page of records takes a
 * few seconds, and more on a busy 2-core machine running other tests.
 */
function patient(steps) {
    return steps.map((step) => ({timeout: 45000, ...step}));
}

/** The value of a cookie the Python test set for the tour, or "" without one. */
function cookie(name) {
    const found = document.cookie
        .split(";")
        .map((part) => part.trim())
        .find((part) => part.startsWith(`${name}=`));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
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
            if (cookie("flitstack_screenshots") !== "1") {
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

/**
 * Steps from the list of migration projects (Settings > Data Migration) to the
 * first step of the import wizard, the platform chosen. `exportHelp`: whether the
 * platform says what to export from it (its preset's export_help).
 */
function openWizard(platform, exportHelp = true) {
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
            run: `selectByLabel ${platform}`,
        },
        exportHelp
            ? {
                  content: "The platform says what to export from it",
                  trigger: `.modal div[name=export_help]:contains(${platform})`,
              }
            : {
                  content: "The platform is chosen",
                  trigger: `.modal div[name=name] input:value(Migration from ${platform})`,
              },
    ];
}

/** Steps that open the migration project from the list of projects. */
function openProject(project) {
    return [
        ...projectsShown(),
        {
            content: "Open the migration project",
            trigger: `.o_list_view .o_data_row td[name=name]:contains(${project})`,
            run: "click",
        },
        {
            content: "The project's form is shown",
            trigger: `.o_breadcrumb .o_last_breadcrumb_item:contains(${project})`,
        },
    ];
}

/** A row of a list of the wizard whose cells `cells` ({field: text}) hold those texts. */
function wizardRow(list, cells) {
    const has = Object.entries(cells)
        .map(([name, value]) => `:has(td[name=${name}]:contains(${value}))`)
        .join("");
    return `.modal div[name=${list}] .o_data_row${has}`;
}

// ----------------------------------------------------------------------------
// How the old system's records reach the wizard: a file, or an API
// ----------------------------------------------------------------------------

/**
 * The upload step of a file platform: its sample export, fetched from the
 * addon's static files, uploaded as the administrator would, then read.
 */
function uploadSample(fileName) {
    return (d) => [
        ...openWizard(d.platform, d.exportHelp),
        {
            content: `Upload the export of ${d.platform}`,
            trigger: ".modal div[name=files] input.o_input_file:not(:visible)",
            async run() {
                const blob = await (await fetch(`${SAMPLES_URL}/${fileName}`)).blob();
                const file = new File([blob], fileName, {type: "application/zip"});
                inputFiles(this.anchor, [file]);
            },
        },
        {
            content: "The file is uploaded",
            trigger: `.modal div[name=files] .o_attachment:not(.o_attachment_uploading):contains(${fileName})`,
        },
        ...shot(d, "wizard_1_upload", DIALOG),
        {
            content: "Read the files",
            trigger: ".modal footer button[name=action_preview]",
            run: "click",
        },
    ];
}

/**
 * The connect step of a platform read from its API: the keys and the address the
 * test gives in the cookies flitstack_api_key, flitstack_api_key_2 (when the
 * platform has a second key) and flitstack_api_url (the emulator), "Test
 * connection", and, when `organization` is given, the choice of that organization
 * among the several the key reaches; then "Read the old system".
 */
function connectApi({organization} = {}) {
    return (d) => {
        const [key, key2, url] = ["api_key", "api_key_2", "api_url"].map((name) =>
            cookie(`flitstack_${name}`)
        );
        if (!key || !url) {
            throw new Error("No flitstack_api_key or flitstack_api_url cookie: the test sets them");
        }
        const testConnection = {
            content: "Test the connection",
            trigger: ".modal button[name=action_test_connection]",
            run: "click",
        };
        const choose = organization
            ? [
                  {
                      content: "The key reaches several organizations: choose one",
                      trigger:
                          ".modal div[name=connection_state] .badge:contains(Choose the account)",
                  },
                  {
                      content: `The organizations are named, ${organization} among them`,
                      trigger: `.modal div[name=connection_message]:contains(${organization})`,
                  },
                  {
                      content: `Choose ${organization}`,
                      trigger: ".modal div[name=api_account_id] input",
                      run: `edit ${organization}`,
                  },
                  {
                      content: "Pick it in the list",
                      trigger: `.o-autocomplete--dropdown-item:contains(${organization})`,
                      run: "click",
                  },
                  testConnection,
                  ...dialogTitle(d.platform, "Upload"),
              ]
            : [];
        return [
            ...openWizard(d.platform, d.exportHelp),
            {
                content: "The platform is read from its API: paste its key",
                trigger: ".modal div[name=api_key] input",
                run: `edit ${key}`,
            },
            ...(key2
                ? [
                      {
                          content: "Paste its second key",
                          trigger: ".modal div[name=api_key_2] input",
                          run: `edit ${key2}`,
                      },
                  ]
                : []),
            {
                content: "The address of its API (the emulator's)",
                trigger: ".modal div[name=api_url] input",
                run: `edit ${url}`,
            },
            testConnection,
            ...dialogTitle(d.platform, "Upload"),
            ...choose,
            {
                content: "The connection works",
                trigger: ".modal div[name=connection_state] .badge:contains(Works)",
            },
            {
                content: `It says what it reached${organization ? `: ${organization}` : ""}`,
                trigger: `.modal div[name=connection_message]:contains(Connected)${
                    organization ? `:contains(${organization})` : `:contains(${d.platform})`
                }`,
            },
            {
                content: "Read the old system",
                trigger:
                    ".modal footer button[name=action_preview]:contains(Read the old system)",
                run: "click",
            },
        ];
    };
}

// ----------------------------------------------------------------------------
// The steps of a platform's tours, from its description
// ----------------------------------------------------------------------------

/** The screenshot step `name`, for a platform whose pictures are taken. */
function shot(d, name, trigger, prepare) {
    return d.screenshots ? [screenshot(name, trigger, prepare)] : [];
}

/** What was found: records counted, the summary names a kind of them. */
function whatWasFoundSteps(d) {
    return [
        ...dialogTitle(d.platform, "What was found"),
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
            content: `The summary names the ${d.found}`,
            trigger: `.modal div[name=preview]:contains(${d.found})`,
        },
        ...choiceSteps(d),
        ...shot(d, "wizard_2_what_was_found", DIALOG),
        {
            content: "Next: the field map",
            trigger: ".modal footer button[name=action_next]",
            run: "click",
        },
    ];
}

/** A choice of the platform (`d.choose`: the records it migrates, e.g. the
 * accounts as Odoo companies) ticked under "Your choice". */
function choiceSteps(d) {
    if (!d.choose) {
        return [];
    }
    const row = `.modal div[name=choice_mapping_ids] .o_data_row:has(td[name=name]:contains(${d.choose}))`;
    return [
        {
            content: `The choice "${d.choose}" is offered, not ticked`,
            trigger: `${row} td[name=migrate] input:not(:checked)`,
        },
        {
            content: `Select the line of "${d.choose}"`,
            trigger: `${row} td[name=choice]`,
            run: "click",
        },
        {
            content: `Tick "${d.choose}"`,
            trigger: ".modal div[name=choice_mapping_ids] .o_selected_row td[name=migrate] input[type=checkbox]",
            run: "check",
        },
        {
            content: "The choice is ticked",
            trigger: `${row} td[name=migrate] input:checked`,
        },
    ];
}

/** Field map: the line of one column (`d.skip`) is not migrated. */
function fieldMapSteps(d) {
    const {records, column} = d.skip;
    return [
        ...dialogTitle(d.platform, "Field map"),
        {
            content: `Select the line of the ${column} column of the ${records}`,
            trigger: `${wizardRow("review_line_ids", {
                mapping_name: records,
                source_column: column,
            })} td[name=mapping_name]`,
            run: "click",
        },
        {
            content: `Do not migrate the ${column} column`,
            trigger:
                ".modal div[name=review_line_ids] .o_selected_row td[name=skip] input[type=checkbox]",
            run: "check",
        },
        ...shot(d, "wizard_3_field_map", DIALOG),
        {
            content: "Next: custom fields and stages",
            trigger: ".modal footer button[name=action_next]",
            run: "click",
        },
    ];
}

/** Custom fields and stages: none for the column not migrated; create the others. */
function customFieldsSteps(d) {
    const {records, column} = d.skip;
    return [
        ...dialogTitle(d.platform, "Custom fields and stages"),
        {
            content: `The ${column} column is not migrated: no field is made for it`,
            trigger: `${wizardRow("custom_field_ids", {
                mapping_name: records,
                source_column: column,
            })} td[name=skip] input:checked`,
        },
        ...(d.pipeline
            ? [
                  {
                      content: "The pipelines of the statuses are listed",
                      trigger: `.modal div[name=stage_field_ids] .o_data_row td[name=pipeline]:contains(${d.pipeline})`,
                  },
              ]
            : []),
        {
            content: "Create the custom fields now",
            trigger: ".modal footer button[name=action_create_custom_fields]",
            run: "click",
        },
        ...dialogTitle(d.platform, "Custom fields and stages"),
        ...shot(d, "wizard_4_custom_fields", DIALOG),
        {
            content: "Next: owners",
            trigger: ".modal footer button[name=action_next]",
            run: "click",
        },
    ];
}

/** Owners: one of the old system's (`d.owner.source`) is given an Odoo user by hand. */
function ownersSteps(d) {
    const steps = [...dialogTitle(d.platform, "Owners")];
    if (d.owner) {
        const {source, user} = d.owner;
        steps.push(
            {
                content: `Select ${source}, who has no Odoo user yet`,
                trigger: `.modal div[name=owner_ids] .o_data_row td[name=source_key]:contains(${source})`,
                run: "click",
            },
            {
                content: `Give ${source} the Odoo user ${user}`,
                trigger: ".modal div[name=owner_ids] .o_selected_row td[name=user_id] input",
                run: `edit ${user}`,
            },
            {
                content: "Choose the user",
                trigger: `.o-autocomplete--dropdown-item:contains(${user})`,
                run: "click",
            }
        );
    } else {
        steps.push({
            content: "The owners of the old system are listed",
            trigger: ".modal div[name=owner_ids] .o_data_row",
        });
    }
    return [...steps, ...shot(d, "wizard_5_owners", DIALOG)];
}

/** Confirm the map and queue the trial run, which waits for the background job. */
function trialRunSteps() {
    return [
        {
            content: "Confirm the map and do a trial run",
            trigger: ".modal footer button[name=action_trial_run]",
            run: "click",
        },
        {
            content: "The trial run is queued",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Waiting)",
        },
        {
            content: "It is a trial run (a sample)",
            trigger: ".o_form_view div[name=mode]:contains(Sample)",
        },
    ];
}

/** The landed trial run's field check, approval, then the full migration. */
function trialApproveSteps(d) {
    return [
        ...openProject(d.project),
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
            content: `The fields read back from Odoo, by kind of record: the ${d.check}`,
            trigger: `.o_list_view .o_group_header:contains(${d.check})`,
            run: "click",
        },
        {
            content: `The ${d.check}' fields, by status: the ones that match the export`,
            trigger: ".o_list_view .o_group_header:contains(Match):not(:contains(Mismatch))",
            run: "click",
        },
        {
            content: `A field of the ${d.check}, as the export has it and as Odoo has it`,
            trigger: ".o_list_view .o_data_row td[name=status]:contains(Match)",
        },
        ...shot(d, "trial_run_field_check", ".o_list_view"),
        {
            content: "Back to the project",
            trigger: `.o_breadcrumb .breadcrumb-item:contains(${d.project})`,
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
    ];
}

/** The full run's reconciliation (one line checked), then the project rolled back. */
function reconcileRollbackSteps(d) {
    const {records, count} = d.reconcile;
    return [
        ...openProject(d.project),
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
            trigger: `.o_list_view .o_data_row td[name=name]:contains(${d.project} / Full)`,
            run: "click",
        },
        {
            content: "The run is done",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Done)",
        },
        {
            content: `The reconciliation counts the ${count} ${records} of the source`,
            trigger: ".o_form_view div[name=object_ids] .o_data_row",
            run() {
                const rows = [
                    ...document.querySelectorAll(
                        ".o_form_view div[name=object_ids] .o_data_row"
                    ),
                ];
                const line = rows.find(
                    (row) => text(row.querySelector("td[name=name]")) === records
                );
                const found = line?.querySelector("td[name=source_count]");
                if (!found || text(found) !== String(count)) {
                    throw new Error(
                        `No line "${records}" with ${count} in the source: ${rows
                            .map(text)
                            .join(" | ")}`
                    );
                }
            },
        },
        ...shot(d, "run_reconciliation", ".o_form_view div[name=object_ids]", (el) =>
            el.scrollIntoView({block: "center"})
        ),
        {
            content: "Back to the project",
            trigger: `.o_breadcrumb .breadcrumb-item:contains(${d.project})`,
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
        ...dialogTitle(`Roll back ${d.project}`),
        {
            content: "The dialog says what will be removed",
            trigger: ".modal div[name=summary]:contains(Contact)",
        },
        ...shot(d, "rollback", DIALOG),
        ...(d.rollbackKeeps
            ? [
                  {
                      content: `The check before it lists what Odoo keeps: ${d.rollbackKeeps}`,
                      trigger: `.modal div[name=check_html]:contains(${d.rollbackKeeps})`,
                  },
                  {
                      content: "Roll back the rest and keep those",
                      trigger: ".modal footer button[name=action_confirm]:contains(keep these)",
                      run: "click",
                  },
              ]
            : [
                  {
                      content: "Roll back (nothing to keep)",
                      trigger: ".modal footer button[name=action_confirm]:not(:contains(keep))",
                      run: "click",
                  },
              ]),
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
    ];
}

/**
 * Register the three tours of a platform (flitstack_KEY_wizard,
 * flitstack_KEY_trial_approve, flitstack_KEY_reconcile_rollback) from its
 * description:
 *
 * - key: the tours' names; platform: its label, as the wizard shows it;
 * - source: how the records reach the wizard, uploadSample(file) or connectApi();
 * - exportHelp: false when the platform does not say what to export (true by default);
 * - found: a kind of records the summary of what was found names;
 * - skip: {records, column}, the line of the field map not migrated;
 * - pipeline: text of the pipeline listed for the statuses (none: no status column);
 * - owner: {source, user}, an owner of the old system given an Odoo user by hand;
 * - check: the kind of records whose fields are checked after the trial run;
 * - reconcile: {records, count}, a line of the full run's reconciliation;
 * - rollbackKeeps: what the check before the rollback lists as kept (none: the
 *   rollback removes everything);
 * - screenshots: whether the screenshot steps are in (the pictures of the README).
 */
function registerWizardTours(description) {
    const d = {
        exportHelp: true,
        project: `Migration from ${description.platform}`,
        ...description,
    };
    const tours = registry.category("web_tour.tours");
    tours.add(`flitstack_${d.key}_wizard`, {
        url: PROJECTS_URL,
        steps: () =>
            patient([
                ...d.source(d),
                ...whatWasFoundSteps(d),
                ...fieldMapSteps(d),
                ...customFieldsSteps(d),
                ...ownersSteps(d),
                ...trialRunSteps(d),
            ]),
    });
    tours.add(`flitstack_${d.key}_trial_approve`, {
        url: PROJECTS_URL,
        steps: () => patient(trialApproveSteps(d)),
    });
    tours.add(`flitstack_${d.key}_reconcile_rollback`, {
        url: PROJECTS_URL,
        steps: () => patient(reconcileRollbackSteps(d)),
    });
}

// ----------------------------------------------------------------------------
// The platforms
// ----------------------------------------------------------------------------

registerWizardTours({
    key: "tcf",
    platform: "The Customer Factor",
    source: uploadSample("the_customer_factor_sample.zip"),
    found: "Customers",
    skip: {records: "Customers", column: "Gate Code"},
    pipeline: "The Customer Factor",
    owner: {source: "Maria Delgado", user: "Maria D."},
    check: "Customers",
    reconcile: {records: "Customers", count: 303},
    screenshots: true,
});

registerWizardTours({
    key: "cplus",
    platform: "Contractor+",
    source: uploadSample("contractor_plus_sample.zip"),
    // Contractor+'s preset has no export_help: the wizard says nothing about what
    // to export from it
    exportHelp: false,
    found: "Clients",
    skip: {records: "Jobs", column: "Permit Required"},
    pipeline: "Contractor+ jobs",
    owner: {source: "Dana Whitfield", user: "Dana W."},
    check: "Clients",
    // the 41 rows of clients.csv, one of which repeats another
    reconcile: {records: "Clients", count: 41},
    // the invoices the migration posted, with what they need
    rollbackKeeps: "Posted invoices",
});

registerWizardTours({
    key: "jobtread",
    platform: "JobTread",
    source: connectApi({organization: "Harbor Point Builders"}),
    found: "Customers",
    skip: {records: "Customers", column: "Referral Notes"},
    pipeline: "JobTread",
    owner: {source: "Owen Castillo", user: "Owen C."},
    check: "Jobs",
    // the test keeps 15 customers of the emulator's organization
    reconcile: {records: "Customers", count: 15},
});

registerWizardTours({
    key: "clienttether",
    platform: "ClientTether",
    source: connectApi(),
    found: "Contacts",
    // multi-company: each account an Odoo company as well
    choose: "Accounts as Odoo companies",
    skip: {records: "Contacts", column: "Year Home Built"},
    owner: {source: "Rita Okafor", user: "Rita O."},
    check: "Contacts",
    // the test keeps 15 contacts of the emulator's account
    reconcile: {records: "Contacts", count: 15},
});

registerWizardTours({
    key: "tsp",
    platform: "The Service Program",
    source: uploadSample("the_service_program_sample.zip"),
    found: "Customers",
    skip: {records: "Customers", column: "Pets On Property"},
    pipeline: "The Service Program leads",
    owner: {source: "Linda Park", user: "Dana W."},
    check: "Customers",
    // the 45 rows of customers.csv, one of which repeats another
    reconcile: {records: "Customers", count: 45},
    // the invoices the migration posted, with what they need
    rollbackKeeps: "Posted invoices",
});

registry.category("web_tour.tours").add("flitstack_tcf_broken_file", {
    url: PROJECTS_URL,
    steps: () =>
        patient([
            ...openWizard("The Customer Factor"),
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
