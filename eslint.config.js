// Type-aware lint: floating promises are bugs in a tool that talks to two services.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.venv/**',
      '.run/**',
      'bin/**',
      'connectors/**',
      'src/validate/validators.generated.ts',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    // The core never prints: output goes through the CLI's reporters.
    files: ['src/model/**', 'src/schema/**', 'src/validate/**', 'src/plan/**', 'src/load/**'],
    rules: { 'no-console': 'error' },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
