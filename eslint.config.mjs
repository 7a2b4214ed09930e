import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Dependencies point one way: apps -> libs -> contract. `nx graph` draws the same picture.
export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/src/generated/**', '**/coverage/**', '.nx/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contract', 'type:test-support'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contract', 'type:test-support'] },
            { sourceTag: 'type:test-support', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // TypeORM and pg stay inside libs/database (its README: "One data-access style"); everything else
  // goes through its repositories and its `Database`/`Transaction` types.
  {
    files: ['**/*.ts', '**/*.js', '**/*.cjs', '**/*.mjs'],
    ignores: [
      'libs/database/**',
      // Tests check the database from outside the service (grants, dumps, outages, MIG-shaped rows)
      // with their own raw clients, on purpose.
      'apps/*/test/**',
      // The bench measures raw pg as the baseline the service is compared against, on purpose.
      'bench/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'typeorm', message: 'TypeORM stays inside libs/database: use its repositories and its Database/Transaction types.' },
            { name: 'pg', message: 'pg stays inside libs/database: use its repositories and its Database/Transaction types.' },
          ],
          patterns: [{ group: ['typeorm/*', 'pg/*', 'pg-*'], message: 'TypeORM and pg stay inside libs/database.' }],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
