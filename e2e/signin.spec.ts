import { amy, expect, panels, patientField, signIn, test } from './fixtures.ts'

test('signs in by redirect, shows the patient and signs out', async ({ page }) => {
  await signIn(page, amy)
  await expect(patientField(page, 'Name')).toHaveText(amy.name)
  await expect(patientField(page, 'Birth date')).toHaveText(amy.birthDate)
  await expect(patientField(page, 'Identifier')).toContainText(amy.identifier)
  const { signIn: region } = panels(page)
  await region.getByRole('button', { name: 'Sign out' }).click()
  await expect(region.getByText('You are signed out.')).toBeVisible()
  await expect(region.getByRole('button', { name: 'Sign in' })).toBeVisible()
})
