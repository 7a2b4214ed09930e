/** What global-setup hands to the test files, through the environment of jest's workers. */
export const TEST_ADMIN_URL_VARIABLE = 'MIG_TEST_ADMIN_URL';
export const TEST_TEMPLATE_VARIABLE = 'MIG_TEST_TEMPLATE_DATABASE';
