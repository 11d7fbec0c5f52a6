// A pool task module for tests that cannot start.
throw new Error('this module does not load');
