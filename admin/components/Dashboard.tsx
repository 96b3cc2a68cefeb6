import React, { useEffect, useState } from 'react';
import { Box, H2, H5, Text } from '@adminjs/design-system';
import { ApiClient, useTranslation } from 'adminjs';
import { formatMoney } from './Money';

interface Figure {
  key: string;
  value: string | number;
  money?: boolean;
}
interface DashboardData {
  role: string;
  username: string;
  figures: Figure[];
}

const api = new ApiClient();

/** Each role's landing page: a few figures scoped to what the role may see (charts come later). */
const Dashboard: React.FC = () => {
  const [data, setData] = useState<DashboardData | null>(null);
  const [failed, setFailed] = useState(false);
  const { translateLabel } = useTranslation();
  useEffect(() => {
    api
      .getDashboard()
      .then((res) => setData(res.data as DashboardData))
      .catch(() => setFailed(true));
  }, []);
  return (
    <Box variant="grey" data-testid="seahorse-dashboard" data-role={data?.role ?? ''}>
      <H2>{translateLabel(`dashboard_${data?.role ?? 'title'}`)}</H2>
      {data && <Text mb="xl">{data.username}</Text>}
      {failed && <Text>{translateLabel('dashboardUnavailable')}</Text>}
      <Box flex flexDirection="row" style={{ flexWrap: 'wrap', gap: 16 }}>
        {data?.figures.map((f) => (
          <Box key={f.key} variant="card" p="xl" style={{ minWidth: 200 }} data-testid={`figure-${f.key}`}>
            <H5>{translateLabel(`figure_${f.key}`)}</H5>
            <Text fontSize="xl" fontWeight="bold">{f.money ? formatMoney(f.value) : String(f.value)}</Text>
          </Box>
        ))}
      </Box>
    </Box>
  );
};

export default Dashboard;
