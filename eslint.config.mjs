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
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
