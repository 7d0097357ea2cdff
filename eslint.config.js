// Lint configuration: typescript-eslint's type-checked recommended rules over src, test, scripts and
// bench (types from tsconfig.json through the project service); formatting is Prettier's.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      '.tap/',
      'data/',
      'migrations/',
      'bench/.data/',
      'test/clients/typescript/generated/'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    }
  },
  {
    // The dashboard's script runs in the browser, as plain JavaScript, outside the TypeScript project.
    files: ['src/dashboard/**/*.js', 'eslint.config.js', 'scripts/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked
  },
  {
    files: ['src/dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        location: 'readonly',
        history: 'readonly',
        URLSearchParams: 'readonly',
        echarts: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly'
      }
    }
  },
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'max-len': ['error', { code: 120, ignoreUrls: true }],
      'no-console': 'off'
    }
  },
  {
    // Fastify's documented form for plugins and handlers is async: a sync handler that returns
    // nothing leaves the request hanging, an async one fails loudly. Keep them async without await.
    files: ['src/plugins/**/*.ts', 'src/routes/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' }
  },
  {
    // Tests read answers as parsed JSON (`res.json()` is `any`) and check their shape with tap's
    // assertions, which fail on a wrong shape; typing every answer again would copy the schemas.
    // tap awaits the subtests it is given, so `t.test(...)` is not a floating promise.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] }
      ]
    }
  }
)
